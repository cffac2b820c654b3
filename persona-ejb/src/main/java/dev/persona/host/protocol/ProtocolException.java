package dev.persona.host.protocol;

/** A message the protocol cannot take: its {@code code} and a message for the person (docs/protocol.md, errors). */
public class ProtocolException extends RuntimeException {

    private final String turnId;
    private final String code;

    public ProtocolException(String code, String message) {
        this(null, code, message);
    }

    /** The code of {@link #storageFailed()}. */
    public static final String STORAGE_FAILED = "storage-failed";

    /**
     * The host's database failed to read or write the conversation (a full disk, above all): the turn is not kept;
     * the owner finds the cause in the server log.
     */
    public static ProtocolException storageFailed() {
        return new ProtocolException(STORAGE_FAILED, storageFailedMessage());
    }

    public static String storageFailedMessage() {
        return "The host could not store this conversation (is its disk full?); this turn is not kept. The host's "
                + "owner finds the cause in the server log.";
    }

    /** An error about the phone's turn {@code turnId}, which the error message carries back. */
    public ProtocolException(String turnId, String code, String message) {
        super(message);
        this.turnId = turnId;
        this.code = code;
    }

    public String turnId() {
        return turnId;
    }

    public String code() {
        return code;
    }
}

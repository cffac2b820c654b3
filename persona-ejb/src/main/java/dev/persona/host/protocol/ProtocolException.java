package dev.persona.host.protocol;

/** A message the protocol cannot take: its {@code code} and a message for the person (docs/protocol.md, errors). */
public class ProtocolException extends RuntimeException {

    private final String turnId;
    private final String code;

    public ProtocolException(String code, String message) {
        this(null, code, message);
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

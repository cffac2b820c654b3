package dev.persona.signaling.registry;

/** The registry would not register an id; {@link #refusal()} says why. */
public final class RegistrationRefusedException extends Exception {

    /** Why a registration was refused. */
    public enum Refusal {
        /** A connection with another token holds the id. */
        ID_TAKEN,
        /** As many peers as the concurrent limit allows are connected. */
        CONCURRENT_LIMIT,
        /** As many peers as one source address may have are connected from the new one's address. */
        SOURCE_LIMIT
    }

    private final Refusal refusal;

    public RegistrationRefusedException(Refusal refusal, String message) {
        super(message, null, false, false);
        this.refusal = refusal;
    }

    public Refusal refusal() {
        return refusal;
    }
}

package dev.persona.signaling.identity;

/** A proof token that does not prove its id here and now; {@link #getMessage()} says why, for the client. */
public final class ProofRejectedException extends Exception {

    /** Why a proof was refused; the names are the outcomes listed in {@code docs/vectors/identity-vectors.json}. */
    public enum Reason {
        /** The token does not follow the token syntax. */
        MALFORMED,
        /** The token was made for another server origin. */
        WRONG_ORIGIN,
        /** The token is older than the freshness window plus the clock-skew allowance. */
        EXPIRED,
        /** The token's timestamp is further in the future than the clock-skew allowance. */
        NOT_YET_VALID,
        /** The id's 32 bytes are not a valid Ed25519 public key. */
        INVALID_KEY,
        /** The signature was not made with the id's key over this id, origin, timestamp and nonce. */
        BAD_SIGNATURE,
        /** The same id and nonce were accepted before, within the freshness window. */
        REPLAYED,
        /**
         * The replay cache is full of fresh nonces, in all or for the proof's source address; the proof cannot be
         * remembered, so it is refused.
         */
        TOO_MANY_PROOFS
    }

    private final Reason reason;

    public ProofRejectedException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}

package dev.persona.signaling.registry;

/** A message for an absent peer would pass a limit on waiting messages; {@link #limit()} says which. */
public final class QueueLimitExceededException extends Exception {

    /** Which limit a waiting message would pass. */
    public enum Limit {
        /** The messages waiting for one absent peer. */
        PER_PEER,
        /** The bytes waiting that the peers of the sender's source address sent. */
        PER_SOURCE,
        /** The bytes waiting for all absent peers together. */
        SERVER
    }

    private final Limit limit;

    public QueueLimitExceededException(Limit limit, String message) {
        super(message, null, false, false);
        this.limit = limit;
    }

    public Limit limit() {
        return limit;
    }
}

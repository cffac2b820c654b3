package dev.persona.signaling.registry;

/** A message for an absent peer found that peer's queue full. */
public final class QueueLimitExceededException extends Exception {

    public QueueLimitExceededException(String absentPeer, int limit) {
        super("Too many messages waiting for peer " + absentPeer + ", which is not connected: at most " + limit
                + " may wait.", null, false, false);
    }
}

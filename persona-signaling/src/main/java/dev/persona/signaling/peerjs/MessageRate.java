package dev.persona.signaling.peerjs;

/**
 * A token bucket for one connection: {@code perSecond} messages a second on average, in bursts of up to
 * {@code perSecond}. Used by one connection's message handler, which the container calls one message at a time.
 */
final class MessageRate {

    private static final double NANOS_PER_SECOND = 1e9;

    private final int perSecond;
    private double tokens;
    private long lastNanos;

    MessageRate(int perSecond, long nowNanos) {
        this.perSecond = perSecond;
        this.tokens = perSecond;
        this.lastNanos = nowNanos;
    }

    /** Takes one message's token; false when the peer is over its rate. */
    boolean tryTake(long nowNanos) {
        tokens = Math.min(perSecond, tokens + (nowNanos - lastNanos) * perSecond / NANOS_PER_SECOND);
        lastNanos = nowNanos;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}

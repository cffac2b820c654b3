package dev.persona.llama.backend;

import java.time.Duration;

/**
 * Exponential back-off: the first delay after a failure is {@code initial}, each further consecutive failure
 * doubles it, up to {@code max}. {@link #reset()} after a success starts over. Not thread-safe.
 */
public final class Backoff {

    private final Duration initial;
    private final Duration max;
    private int failures;

    public Backoff(Duration initial, Duration max) {
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 <= initial <= max, got " + initial + " and " + max);
        }
        this.initial = initial;
        this.max = max;
    }

    /** Counts a failure and returns how long to wait before the next try. */
    public Duration nextDelay() {
        failures++;
        int doublings = Math.min(failures - 1, 62);
        long millis = initial.toMillis();
        for (int i = 0; i < doublings && millis < max.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }

    /** Forgets the failures: the next delay is {@code initial} again. */
    public void reset() {
        failures = 0;
    }

    public Duration max() {
        return max;
    }
}

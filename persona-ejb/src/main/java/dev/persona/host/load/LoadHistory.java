package dev.persona.host.load;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The last {@code capacity} load samples, made from raw readings: the tokens generated so far (a counter that
 * grows) become tokens per second since the previous reading. A counter that falls (a llama-server process
 * restarted) or a first reading gives 0 for that sample. Not thread-safe: {@link HostLoad} serialises the calls.
 */
final class LoadHistory {

    private final int capacity;
    private final Deque<LoadSample> samples = new ArrayDeque<>();
    private double lastTokens = -1;
    private long lastNanos;

    LoadHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity + " < 1");
        }
        this.capacity = capacity;
    }

    /**
     * Adds one sample.
     *
     * @param at        wall-clock time of the reading
     * @param nanos     monotonic time of the reading ({@link System#nanoTime()})
     * @param tokens    tokens generated so far, all processes together
     * @param queue     turns waiting for a slot
     * @param busySlots slots working on an answer
     * @param slots     slots of the ready processes
     */
    LoadSample add(Instant at, long nanos, double tokens, int queue, int busySlots, int slots) {
        double perSecond = lastTokens >= 0 && tokens >= lastTokens && nanos > lastNanos
                ? (tokens - lastTokens) / ((nanos - lastNanos) / 1e9) : 0;
        lastTokens = tokens;
        lastNanos = nanos;
        LoadSample sample = new LoadSample(at, perSecond, queue, busySlots, slots);
        samples.addLast(sample);
        while (samples.size() > capacity) {
            samples.removeFirst();
        }
        return sample;
    }

    /** Oldest first. */
    List<LoadSample> samples() {
        return List.copyOf(samples);
    }

    /** The newest sample, or an idle one at {@code now} before the first. */
    LoadSample latest(Instant now) {
        return samples.isEmpty() ? new LoadSample(now, 0, 0, 0, 0) : samples.getLast();
    }
}

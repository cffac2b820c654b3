package dev.persona.signaling.identity;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The nonces of accepted proofs, each remembered until its proof could no longer be fresh: at most {@code capacity}
 * at a time, and at most {@code perSource} for one source address, so that one source cannot fill the memory for
 * everyone. When full of fresh nonces it refuses new ones rather than forgetting old ones early, so a replay is
 * never let through.
 */
public final class ReplayCache {

    /** What {@link #use} found. */
    public enum Use {
        /** Not seen before; now remembered. */
        FIRST,
        /** Seen before and still remembered. */
        REPLAY,
        /** Not seen before, but there is no room to remember it. */
        FULL,
        /** Not seen before, but its source has as many nonces remembered as one source may have. */
        SOURCE_FULL
    }

    private record Entry(String key, String source, long expiresAtMillis) {
    }

    private final int capacity;
    private final int perSource;
    private final Map<String, Entry> entries = new HashMap<>();
    private final Map<String, Integer> entriesBySource = new HashMap<>();
    private final PriorityQueue<Entry> byExpiry = new PriorityQueue<>(Comparator.comparingLong(Entry::expiresAtMillis));

    /**
     * @param capacity most nonces remembered at once
     * @param perSource most nonces remembered at once for one source
     */
    public ReplayCache(int capacity, int perSource) {
        if (capacity < 1 || perSource < 1) {
            throw new IllegalArgumentException("A replay cache needs room for at least one nonce, in all and per "
                    + "source, not " + capacity + " and " + perSource + ".");
        }
        this.capacity = capacity;
        this.perSource = perSource;
    }

    /**
     * Marks {@code key} used until {@code expiresAtMillis}, counted for {@code source}, first forgetting every key
     * expired at {@code nowMillis}.
     */
    public synchronized Use use(String key, String source, long expiresAtMillis, long nowMillis) {
        while (!byExpiry.isEmpty() && byExpiry.peek().expiresAtMillis() <= nowMillis) {
            Entry expired = byExpiry.poll();
            entries.remove(expired.key());
            entriesBySource.computeIfPresent(expired.source(), (s, count) -> count == 1 ? null : count - 1);
        }
        if (entries.containsKey(key)) {
            return Use.REPLAY;
        }
        if (entries.size() >= capacity) {
            return Use.FULL;
        }
        if (entriesBySource.getOrDefault(source, 0) >= perSource) {
            return Use.SOURCE_FULL;
        }
        Entry entry = new Entry(key, source, expiresAtMillis);
        entries.put(key, entry);
        entriesBySource.merge(source, 1, Integer::sum);
        byExpiry.add(entry);
        return Use.FIRST;
    }

    /** Nonces remembered now, expired ones included until the next {@link #use}. */
    public synchronized int size() {
        return entries.size();
    }
}

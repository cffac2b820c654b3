package dev.persona.signaling.identity;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The nonces of accepted proofs, each remembered until its proof could no longer be fresh, and at most
 * {@code capacity} at a time. When full of fresh nonces it refuses new ones rather than forgetting old ones early,
 * so a replay is never let through.
 */
public final class ReplayCache {

    /** What {@link #use} found. */
    public enum Use {
        /** Not seen before; now remembered. */
        FIRST,
        /** Seen before and still remembered. */
        REPLAY,
        /** Not seen before, but there is no room to remember it. */
        FULL
    }

    private record Entry(String key, long expiresAtMillis) {
    }

    private final int capacity;
    private final Map<String, Entry> entries = new HashMap<>();
    private final PriorityQueue<Entry> byExpiry = new PriorityQueue<>(Comparator.comparingLong(Entry::expiresAtMillis));

    public ReplayCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("A replay cache needs room for at least one nonce, not " + capacity
                    + ".");
        }
        this.capacity = capacity;
    }

    /** Marks {@code key} used until {@code expiresAtMillis}, first forgetting every key expired at {@code nowMillis}. */
    public synchronized Use use(String key, long expiresAtMillis, long nowMillis) {
        while (!byExpiry.isEmpty() && byExpiry.peek().expiresAtMillis() <= nowMillis) {
            entries.remove(byExpiry.poll().key());
        }
        if (entries.containsKey(key)) {
            return Use.REPLAY;
        }
        if (entries.size() >= capacity) {
            return Use.FULL;
        }
        Entry entry = new Entry(key, expiresAtMillis);
        entries.put(key, entry);
        byExpiry.add(entry);
        return Use.FIRST;
    }

    /** Nonces remembered now, expired ones included until the next {@link #use}. */
    public synchronized int size() {
        return entries.size();
    }
}

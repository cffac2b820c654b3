package dev.persona.signaling.peerjs;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@link UpgradedSockets} hands from a filter's upgrade to the socket's {@code onOpen}: each state filed under a
 * new random ticket, taken back once, and dropped when its socket has not opened within {@link #LIFETIME_NANOS}
 * (its handshake failed, or its client left). Stale tickets are swept at most once per {@link #SWEEP_EVERY_NANOS},
 * by the filing that finds a sweep due, not by every upgrade: a connect costs one map insert and one removal however
 * many upgrades are under way. Times are {@link System#nanoTime()} values, passed in.
 */
final class UpgradeTickets<S> {

    /** A ticket whose socket has not opened after this long is refused and dropped. */
    static final long LIFETIME_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** How often at most the tickets are searched for stale ones. */
    static final long SWEEP_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Filed<S>> filed = new ConcurrentHashMap<>();
    private final AtomicLong nextSweep;

    private record Filed<S>(S state, long filedAt) {
    }

    UpgradeTickets(long now) {
        nextSweep = new AtomicLong(now + SWEEP_EVERY_NANOS);
    }

    /** Files {@code state} under a new ticket and returns the ticket (32 hex digits). */
    String file(S state, long now) {
        long sweepAt = nextSweep.get();
        if (now - sweepAt >= 0 && nextSweep.compareAndSet(sweepAt, now + SWEEP_EVERY_NANOS)) {
            filed.values().removeIf(stale -> isStale(stale, now));
        }
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        String ticket = HexFormat.of().formatHex(random);
        filed.put(ticket, new Filed<>(state, now));
        return ticket;
    }

    /** The state filed under {@code ticket}, once; null for an unknown, taken or stale ticket. */
    S take(String ticket, long now) {
        Filed<S> taken = ticket == null ? null : filed.remove(ticket);
        return taken == null || isStale(taken, now) ? null : taken.state();
    }

    /** Drops {@code ticket} (its upgrade failed). */
    void withdraw(String ticket) {
        filed.remove(ticket);
    }

    /** How many tickets are kept, stale ones not yet swept included. */
    int size() {
        return filed.size();
    }

    private static boolean isStale(Filed<?> filed, long now) {
        return now - filed.filedAt() > LIFETIME_NANOS;
    }
}

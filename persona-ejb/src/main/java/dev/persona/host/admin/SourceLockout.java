package dev.persona.host.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import dev.persona.server.SettingValues;
import dev.persona.signaling.SourceAddress;

/**
 * Failed console sign-ins counted per source address. {@code maxFailures} wrong passwords in a row from one source
 * lock that source, and only it, for the lockout time; every further lock of the same source lasts twice as long as
 * the one before, up to {@code maxLock}. A right password forgets the source. Addresses count as their {@link SourceAddress} (an
 * IPv6 one per /64 network: one device may use many addresses of its network); at most {@value #MAX_SOURCES} sources are remembered, the least
 * recently seen forgotten first. Thread-safe.
 */
final class SourceLockout {

    static final String MAX_FAILED_LOGINS = "persona.admin.max.failed.logins";
    static final String LOCKOUT_MINUTES = "persona.admin.lockout.minutes";
    static final String MAX_LOCKOUT_MINUTES = "persona.admin.max.lockout.minutes";
    /** Sources remembered at once: the memory a flood of made-up addresses can take. */
    static final int MAX_SOURCES = 10_000;

    private final int maxFailures;
    private final Duration lockout;
    private final Duration maxLock;
    /** In access order: the first entry is the least recently seen. */
    private final Map<String, Source> sources = new LinkedHashMap<>(64, 0.75f, true);

    SourceLockout(int maxFailures, Duration lockout, Duration maxLock) {
        this.maxFailures = maxFailures;
        this.lockout = lockout;
        this.maxLock = maxLock;
    }

    /**
     * Reads the settings by name.
     *
     * @throws IllegalArgumentException naming the setting, its value and what is accepted
     */
    static SourceLockout from(Function<String, Optional<String>> source) {
        int failures = (int) SettingValues.wholeNumber(source, MAX_FAILED_LOGINS, 5, 1, 1000);
        long minutes = SettingValues.wholeNumber(source, LOCKOUT_MINUTES, 5, 1, 10_080);
        long maxMinutes = SettingValues.wholeNumber(source, MAX_LOCKOUT_MINUTES, 1440, 1, 525_600);
        if (maxMinutes < minutes) {
            throw new IllegalArgumentException("Invalid value " + maxMinutes + " for " + MAX_LOCKOUT_MINUTES
                    + ": expected at least " + LOCKOUT_MINUTES + " (" + minutes + ").");
        }
        return new SourceLockout(failures, Duration.ofMinutes(minutes), Duration.ofMinutes(maxMinutes));
    }

    int maxFailures() {
        return maxFailures;
    }

    Duration lockout() {
        return lockout;
    }

    Duration maxLock() {
        return maxLock;
    }

    /** Until when {@code address} may not sign in, or null. */
    synchronized Instant lockedUntil(String address, Instant now) {
        Source source = sources.get(SourceAddress.of(address));
        return source != null && source.lockedUntil != null && source.lockedUntil.isAfter(now)
                ? source.lockedUntil : null;
    }

    /** A password check allowed to start, and the lock it caused when it turns out wrong. */
    record Attempt(Instant locksUntil) {
    }

    /**
     * Starts a password check from {@code address}: none while the address is locked (null); otherwise the check is
     * counted as a failure before it runs, so that guesses sent side by side cannot outrun the lock, and a right
     * password then forgets the address again ({@link #succeeded}).
     */
    synchronized Attempt attempt(String address, Instant now) {
        return lockedUntil(address, now) != null ? null : new Attempt(failed(address, now));
    }

    /**
     * Counts a wrong password from {@code address}.
     *
     * @return until when the source is now locked, when this failure locked it; null otherwise
     */
    synchronized Instant failed(String address, Instant now) {
        String key = SourceAddress.of(address);
        Source source = sources.get(key);
        if (source == null || source.forgettable(now, maxLock)) {
            source = new Source();
            sources.put(key, source);
            forgetBeyondLimit(now);
        }
        source.lastSeen = now;
        source.failures++;
        if (source.failures < maxFailures) {
            return null;
        }
        source.failures = 0;
        Duration length = lockout.multipliedBy(1L << Math.min(source.locks, 30));
        source.locks++;
        source.lockedUntil = now.plus(length.compareTo(maxLock) > 0 ? maxLock : length);
        return source.lockedUntil;
    }

    /** A right password from {@code address}: its failures and locks are forgotten. */
    synchronized void succeeded(String address) {
        sources.remove(SourceAddress.of(address));
    }

    private void forgetBeyondLimit(Instant now) {
        Iterator<Source> oldestFirst = sources.values().iterator();
        while (sources.size() > MAX_SOURCES && oldestFirst.hasNext()) {
            oldestFirst.next();
            oldestFirst.remove();
        }
    }

    private static final class Source {
        int failures;
        int locks;
        Instant lockedUntil;
        Instant lastSeen;

        /** Long enough quiet (no lock, no failure within the longest lock) to start over. */
        boolean forgettable(Instant now, Duration maxLock) {
            Instant last = lockedUntil != null && lockedUntil.isAfter(lastSeen) ? lockedUntil : lastSeen;
            return last.plus(maxLock).isBefore(now);
        }
    }
}

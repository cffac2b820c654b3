package dev.persona.host.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class SourceLockoutTest {

    private static final Instant T0 = Instant.parse("2026-12-06T20:00:00Z");
    private final SourceLockout lockout = new SourceLockout(3, Duration.ofMinutes(5), Duration.ofMinutes(30));

    @Test
    void theMaxthFailureInARowLocksThatSourceOnly() {
        assertNull(lockout.failed("192.168.1.66", T0));
        assertNull(lockout.failed("192.168.1.66", T0));
        assertEquals(T0.plus(Duration.ofMinutes(5)), lockout.failed("192.168.1.66", T0));

        assertEquals(T0.plus(Duration.ofMinutes(5)), lockout.lockedUntil("192.168.1.66", T0.plusSeconds(299)));
        assertNull(lockout.lockedUntil("192.168.1.66", T0.plusSeconds(300)), "the lock ends");
        assertNull(lockout.lockedUntil("127.0.0.1", T0), "the owner's address is not locked");
        assertNull(lockout.failed("127.0.0.1", T0), "and counts on its own");
    }

    @Test
    void everyFurtherLockOfASourceLastsTwiceAsLongUpToTheMaximum() {
        Instant now = T0;
        long[] minutes = {5, 10, 20, 30, 30};
        for (long expected : minutes) {
            Instant until = null;
            for (int i = 0; i < 3; i++) {
                until = lockout.failed("10.0.0.9", now);
            }
            assertEquals(now.plus(Duration.ofMinutes(expected)), until);
            now = until;
        }
    }

    @Test
    void aRightPasswordForgetsTheSource() {
        lockout.failed("10.0.0.9", T0);
        lockout.failed("10.0.0.9", T0);
        lockout.succeeded("10.0.0.9");
        assertNull(lockout.failed("10.0.0.9", T0));
        assertNull(lockout.failed("10.0.0.9", T0));
        assertNotNull(lockout.failed("10.0.0.9", T0));
    }

    @Test
    void aSourceQuietForTheLongestLockStartsOver() {
        for (int lock = 0; lock < 2; lock++) {
            for (int i = 0; i < 3; i++) {
                lockout.failed("10.0.0.9", T0);
            }
        }
        Instant later = T0.plus(Duration.ofMinutes(10 + 31));
        for (int i = 0; i < 2; i++) {
            lockout.failed("10.0.0.9", later);
        }
        assertEquals(later.plus(Duration.ofMinutes(5)), lockout.failed("10.0.0.9", later), "the first lock again");
    }

    @Test
    void anAttemptCountsBeforeTheCheckSoParallelGuessesStopAtTheLimit() {
        assertNotNull(lockout.attempt("10.0.0.7", T0));
        assertNotNull(lockout.attempt("10.0.0.7", T0));
        SourceLockout.Attempt third = lockout.attempt("10.0.0.7", T0);
        assertEquals(T0.plus(Duration.ofMinutes(5)), third.locksUntil(), "the third check started locks");
        assertNull(lockout.attempt("10.0.0.7", T0), "no fourth check while locked");
        lockout.succeeded("10.0.0.7");
        assertNull(lockout.attempt("10.0.0.7", T0).locksUntil(), "a right password forgot the address");
    }

    @Test
    void ipv6SourcesCountPerSlash64Network() {
        lockout.failed("2001:db8:1:2::1", T0);
        lockout.failed("2001:db8:1:2::2", T0);
        assertNotNull(lockout.failed("2001:db8:1:2::3%eth0", T0));
        assertNotNull(lockout.lockedUntil("2001:db8:1:2::ffff", T0));
    }

    @Test
    void aFloodOfSourcesIsBoundedAndForgetsTheOldestFirst() {
        lockout.failed("10.0.0.1", T0);
        lockout.failed("10.0.0.1", T0);
        for (int i = 0; i < SourceLockout.MAX_SOURCES; i++) {
            lockout.failed("10.1." + (i >> 8) + "." + (i & 0xff), T0);
        }
        assertNull(lockout.failed("10.0.0.1", T0), "forgotten: its count started over");
    }

    @Test
    void settingsAreReadByNameWithTheirRanges() {
        SourceLockout defaults = SourceLockout.from(name -> Optional.empty());
        assertEquals(5, defaults.maxFailures());
        assertEquals(Duration.ofMinutes(5), defaults.lockout());
        assertEquals(Duration.ofMinutes(1440), defaults.maxLock());

        Map<String, String> set = Map.of(SourceLockout.MAX_FAILED_LOGINS.name(), "7",
                SourceLockout.LOCKOUT_MINUTES.name(), "2", SourceLockout.MAX_LOCKOUT_MINUTES.name(), "60");
        SourceLockout read = SourceLockout.from(name -> Optional.ofNullable(set.get(name)));
        assertEquals(7, read.maxFailures());
        assertEquals(Duration.ofMinutes(60), read.maxLock());

        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> SourceLockout.from(
                name -> Optional.ofNullable(Map.of(SourceLockout.MAX_FAILED_LOGINS.name(), "0").get(name))));
        assertEquals("PERSONA_ADMIN_MAX_FAILED_LOGINS = '0': expected an integer from 1 to 1000.", zero.getMessage());
        IllegalArgumentException shorter = assertThrows(IllegalArgumentException.class, () -> SourceLockout.from(
                name -> Optional.ofNullable(Map.of(SourceLockout.LOCKOUT_MINUTES.name(), "30",
                        SourceLockout.MAX_LOCKOUT_MINUTES.name(), "10").get(name))));
        assertEquals("PERSONA_ADMIN_MAX_LOCKOUT_MINUTES = '10': expected at least PERSONA_ADMIN_LOCKOUT_MINUTES (30).",
                shorter.getMessage());
    }
}

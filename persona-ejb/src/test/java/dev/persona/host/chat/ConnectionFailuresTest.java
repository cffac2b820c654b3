package dev.persona.host.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;

import dev.persona.peer.SessionClosed.Reason;
import dev.persona.peer.SessionClosed;
import org.junit.jupiter.api.Test;

class ConnectionFailuresTest {

    private static final Instant T0 = Instant.parse("2026-11-30T00:00:00Z");

    @Test
    void onlyPhonesThatNeverGotAChannelAreKeptNewestFirst() {
        ConnectionFailures failures = new ConnectionFailures();
        failures.record("k1a", new SessionClosed(Reason.UNREACHABLE, "no path"), T0);
        failures.record("k1b", new SessionClosed(Reason.CLOSED_BY_PHONE, "left"), T0.plusSeconds(1));
        failures.record("k1c", new SessionClosed(Reason.CONNECTION_LOST, "lost"), T0.plusSeconds(2));
        failures.record("k1d", new SessionClosed(Reason.NEGOTIATION_FAILED, "bad offer"), T0.plusSeconds(3));
        failures.record("k1e", new SessionClosed(Reason.HOST_STOPPED, "stop"), T0.plusSeconds(4));

        assertEquals(List.of(
                new ConnectionFailures.Failure(T0.plusSeconds(3), "k1d", Reason.NEGOTIATION_FAILED, "bad offer"),
                new ConnectionFailures.Failure(T0, "k1a", Reason.UNREACHABLE, "no path")), failures.list());
    }

    @Test
    void theOldestGoBeyondTheBound() {
        ConnectionFailures failures = new ConnectionFailures();
        for (int i = 0; i < ConnectionFailures.KEPT + 5; i++) {
            failures.record("k1" + i, new SessionClosed(Reason.UNREACHABLE, "no path"), T0.plusSeconds(i));
        }
        List<ConnectionFailures.Failure> kept = failures.list();
        assertEquals(ConnectionFailures.KEPT, kept.size());
        assertEquals("k1" + (ConnectionFailures.KEPT + 4), kept.get(0).phoneId());
        assertEquals("k15", kept.get(kept.size() - 1).phoneId());
    }
}

package dev.persona.signaling.peerjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class UpgradeTicketsTest {

    private static final long START = 1_000_000_000L;

    private static long at(long seconds) {
        return START + TimeUnit.SECONDS.toNanos(seconds);
    }

    @Test
    void aTicketGivesItsStateBackOnceAndAnUnknownOneNothing() {
        UpgradeTickets<String> tickets = new UpgradeTickets<>(at(0));
        String first = tickets.file("127.0.0.1", at(0));
        String second = tickets.file("127.0.0.2", at(0));

        assertNotEquals(first, second);
        assertEquals("127.0.0.2", tickets.take(second, at(1)));
        assertEquals("127.0.0.1", tickets.take(first, at(1)));
        assertNull(tickets.take(first, at(1)), "taken once only");
        assertNull(tickets.take("0".repeat(32), at(1)));
        assertNull(tickets.take(null, at(1)));
        assertEquals(0, tickets.size());
    }

    @Test
    void aTicketOlderThanItsLifetimeIsRefusedEvenBeforeASweepDropsIt() {
        UpgradeTickets<String> tickets = new UpgradeTickets<>(at(0));
        String ticket = tickets.file("127.0.0.1", at(0));

        assertNull(tickets.take(ticket, at(61)));
    }

    @Test
    void staleTicketsAreSweptByTheFirstFilingAfterASweepIsDueNotByEveryFiling() {
        UpgradeTickets<String> tickets = new UpgradeTickets<>(at(0));
        tickets.file("a", at(0));
        String b = tickets.file("b", at(9));
        assertEquals(2, tickets.size());

        tickets.file("c", at(61)); // a sweep is due (the first at 10 s): "a" is 61 s old, "b" 52 s
        assertEquals(2, tickets.size(), "a swept, b and c kept");

        tickets.file("d", at(70)); // "b" is 61 s old now, but the next sweep is only due at 71 s
        assertEquals(3, tickets.size(), "no sweep before its time");
        assertNull(tickets.take(b, at(70)), "b is refused all the same");

        tickets.file("e", at(71)); // due again: b was taken; c (10 s), d, e stay
        assertEquals(3, tickets.size());

        tickets.file("f", at(200)); // c, d and e are stale now
        assertEquals(1, tickets.size());
    }
}

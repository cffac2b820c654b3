package dev.persona.host.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class TurnSchedulerTest {

    /** Records what the scheduler told each turn, in order. */
    private final List<String> events = new ArrayList<>();

    private TurnScheduler.Turn turn(String device) {
        return new TurnScheduler.Turn() {
            public String device() {
                return device;
            }

            public void start() {
                events.add(device + " starts");
            }

            public void queued(int position) {
                events.add(device + " waits at " + position);
            }
        };
    }

    @Test
    void threePhonesOnTwoSlotsAreServedInArrivalOrderWithPositions() {
        TurnScheduler scheduler = new TurnScheduler(2, 8);
        assertNull(scheduler.submit(turn("a")));
        assertNull(scheduler.submit(turn("b")));
        assertNull(scheduler.submit(turn("c")));
        assertEquals(List.of("a starts", "b starts", "c waits at 1"), events);

        scheduler.finished("b");
        assertEquals("c starts", events.get(3));
        assertEquals(2, scheduler.running());
        assertEquals(0, scheduler.waiting());
    }

    @Test
    void aPhoneHasOneTurnAtATimeAndTheLineIsBounded() {
        TurnScheduler scheduler = new TurnScheduler(1, 1);
        scheduler.submit(turn("a"));
        assertEquals(TurnScheduler.Refusal.ONE_AT_A_TIME, scheduler.submit(turn("a")));
        scheduler.submit(turn("b"));
        assertEquals(TurnScheduler.Refusal.BUSY, scheduler.submit(turn("c")));
        assertEquals(List.of("a starts", "b waits at 1"), events, "refused turns hear nothing");
    }

    @Test
    void aWaitingPhoneThatLeavesMovesTheOthersUp() {
        TurnScheduler scheduler = new TurnScheduler(1, 8);
        scheduler.submit(turn("a"));
        scheduler.submit(turn("b"));
        scheduler.submit(turn("c"));
        events.clear();

        scheduler.finished("b");

        assertEquals(List.of("c waits at 1"), events);
        assertEquals(1, scheduler.running(), "a keeps its slot");
    }

    @Test
    void fairnessUnderContinuousLoadNoPhoneGetsTwoTurnsBeforeAnotherGetsOne() {
        TurnScheduler scheduler = new TurnScheduler(1, 8);
        for (String device : List.of("a", "b", "c")) {
            scheduler.submit(turn(device));
        }
        List<String> order = new ArrayList<>();
        for (int round = 0; round < 9; round++) {
            String current = events.stream().filter(e -> e.endsWith("starts")).reduce((x, y) -> y).orElseThrow()
                    .substring(0, 1);
            order.add(current);
            scheduler.finished(current);
            scheduler.submit(turn(current));
        }
        assertEquals(List.of("a", "b", "c", "a", "b", "c", "a", "b", "c"), order);
    }

    @Test
    void finishingTwiceOrAnUnknownPhoneChangesNothing() {
        TurnScheduler scheduler = new TurnScheduler(1, 8);
        scheduler.submit(turn("a"));
        scheduler.finished("a");
        scheduler.finished("a");
        scheduler.finished("zzz");
        assertEquals(0, scheduler.running());
        assertThrows(IllegalArgumentException.class, () -> new TurnScheduler(0, 1));
    }
}

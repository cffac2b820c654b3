package dev.persona.host.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class TurnSchedulerTest {

    /** Records what the scheduler told each turn, in order. */
    private final List<String> events = new ArrayList<>();

    private TurnScheduler.Turn turn(String device) {
        return new TurnScheduler.Turn() {
            public void start() {
                events.add(device + " starts");
            }

            public void queued(int position) {
                events.add(device + " waits at " + position);
            }
        };
    }

    private void submit(TurnScheduler scheduler, String device) throws TurnScheduler.RefusedException {
        scheduler.reserve(device).begin(turn(device));
    }

    private static TurnScheduler.Refusal refusal(TurnScheduler scheduler, String device) {
        return assertThrows(TurnScheduler.RefusedException.class, () -> scheduler.reserve(device)).refusal();
    }

    @Test
    void threePhonesOnTwoSlotsAreServedInArrivalOrderWithPositions() throws Exception {
        TurnScheduler scheduler = new TurnScheduler(2, 8);
        submit(scheduler, "a");
        submit(scheduler, "b");
        submit(scheduler, "c");
        assertEquals(List.of("a starts", "b starts", "c waits at 1"), events);

        scheduler.finished("b");
        assertEquals("c starts", events.get(3));
        assertEquals(2, scheduler.running());
        assertEquals(0, scheduler.waiting());
    }

    @Test
    void aPhoneHasOneTurnAtATimeAndTheLineIsBounded() throws Exception {
        TurnScheduler scheduler = new TurnScheduler(1, 1);
        submit(scheduler, "a");
        assertEquals(TurnScheduler.Refusal.ONE_AT_A_TIME, refusal(scheduler, "a"));
        submit(scheduler, "b");
        assertEquals(TurnScheduler.Refusal.BUSY, refusal(scheduler, "c"));
        assertEquals(List.of("a starts", "b waits at 1"), events, "refused turns hear nothing");
        assertEquals(1, scheduler.running());
        assertEquals(1, scheduler.waiting(), "a refusal holds no place");
    }

    @Test
    void aReservationHoldsItsPlaceUntilTheTurnBeginsAndACancelledOneGivesItBack() throws Exception {
        TurnScheduler scheduler = new TurnScheduler(1, 1);
        TurnScheduler.Reservation a = scheduler.reserve("a");
        TurnScheduler.Reservation b = scheduler.reserve("b");
        assertEquals(TurnScheduler.Refusal.BUSY, refusal(scheduler, "c"), "a's slot and b's place are held");
        assertEquals(List.of(), events, "nothing is told before the turn begins");

        // a's slot frees before b's turn is stored: b starts when it begins, not before.
        a.cancel();
        assertEquals(List.of(), events);
        b.begin(turn("b"));
        assertEquals(List.of("b starts"), events);

        TurnScheduler.Reservation c = scheduler.reserve("c");
        c.cancel();
        assertEquals(0, scheduler.waiting(), "the cancelled place is free again");
        submit(scheduler, "c");
        assertEquals(List.of("b starts", "c waits at 1"), events);
    }

    @Test
    void aWaitingPhoneHearsItsPositionOnlyWhenItChanges() throws Exception {
        TurnScheduler scheduler = new TurnScheduler(1, 8);
        submit(scheduler, "a");
        submit(scheduler, "b");
        submit(scheduler, "c");
        submit(scheduler, "d");
        events.clear();

        scheduler.finished("d");
        assertEquals(List.of(), events, "the last in line left: nobody moved");

        scheduler.finished("b");
        assertEquals(List.of("c waits at 1"), events, "only c moved up");
        assertEquals(1, scheduler.running(), "a keeps its slot");

        events.clear();
        scheduler.finished("a");
        assertEquals(List.of("c starts"), events);
    }

    @Test
    void fairnessUnderContinuousLoadNoPhoneGetsTwoTurnsBeforeAnotherGetsOne() throws Exception {
        TurnScheduler scheduler = new TurnScheduler(1, 8);
        for (String device : List.of("a", "b", "c")) {
            submit(scheduler, device);
        }
        List<String> order = new ArrayList<>();
        for (int round = 0; round < 9; round++) {
            String current = events.stream().filter(e -> e.endsWith("starts")).reduce((x, y) -> y).orElseThrow()
                    .substring(0, 1);
            order.add(current);
            scheduler.finished(current);
            submit(scheduler, current);
        }
        assertEquals(List.of("a", "b", "c", "a", "b", "c", "a", "b", "c"), order);
    }

    @Test
    void finishingTwiceOrAnUnknownPhoneChangesNothing() throws Exception {
        TurnScheduler scheduler = new TurnScheduler(1, 8);
        submit(scheduler, "a");
        scheduler.finished("a");
        scheduler.finished("a");
        scheduler.finished("zzz");
        assertEquals(0, scheduler.running());
        assertThrows(IllegalArgumentException.class, () -> new TurnScheduler(0, 1));
    }

    @Test
    void moreSlotsStartWaitingTurnsAtOnceFewerLetRunningTurnsFinishFirst() throws Exception {
        TurnScheduler scheduler = new TurnScheduler(1, 8);
        for (String device : List.of("a", "b", "c", "d")) {
            submit(scheduler, device);
        }
        scheduler.resize(3);
        assertEquals(List.of("a starts", "b waits at 1", "c waits at 2", "d waits at 3", "b starts", "c starts",
                "d waits at 1"), events);
        assertEquals(3, scheduler.running());

        scheduler.resize(1);
        scheduler.finished("a");
        scheduler.finished("b");
        assertEquals(1, scheduler.running(), "c still runs; d waits until fewer than 1 run");
        assertEquals("d waits at 1", events.get(events.size() - 1));
        scheduler.finished("c");
        assertEquals("d starts", events.get(events.size() - 1));
        assertThrows(IllegalArgumentException.class, () -> scheduler.resize(0));
    }
}

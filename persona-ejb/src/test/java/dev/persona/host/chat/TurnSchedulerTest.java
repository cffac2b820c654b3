package dev.persona.host.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class TurnSchedulerTest {

    /** Records what the scheduler told each turn, in order ("sent": its request went to the model server). */
    private final List<String> events = new ArrayList<>();

    private TurnScheduler.Turn turn(String device) {
        return new TurnScheduler.Turn() {
            public void start() {
                events.add(device + " sent");
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
        assertEquals(List.of("a sent", "b sent", "c waits at 1", "c sent"), events,
                "c hears its place, then its request waits in the model server's queue");
        assertTrue(scheduler.holdsSlot("a") && scheduler.holdsSlot("b"));
        assertFalse(scheduler.holdsSlot("c"));
        assertEquals(1, scheduler.sentAhead());

        scheduler.finished("b");
        assertEquals(4, events.size(), "c's request is on its way already: nothing is sent again");
        assertTrue(scheduler.holdsSlot("c"));
        assertEquals(2, scheduler.running());
        assertEquals(0, scheduler.waiting());
        assertEquals(0, scheduler.sentAhead());
    }

    @Test
    void oneTurnPerSlotIsSentAheadTheOthersWaitInTheHostsLine() throws Exception {
        TurnScheduler scheduler = new TurnScheduler(2, 8);
        for (String device : List.of("a", "b", "c", "d", "e", "f")) {
            submit(scheduler, device);
        }
        assertEquals(List.of("a sent", "b sent", "c waits at 1", "c sent", "d waits at 2", "d sent", "e waits at 3",
                "f waits at 4"), events, "two slots: two requests wait in the model server's queue, no more");
        assertEquals(2, scheduler.sentAhead());
        events.clear();

        scheduler.finished("a");
        assertEquals(List.of("d waits at 1", "e waits at 2", "f waits at 3", "e sent"), events,
                "c takes a's slot (its request was there first), e is sent ahead in its place");
        assertTrue(scheduler.holdsSlot("c"));
        events.clear();

        scheduler.finished("e");
        assertEquals(List.of("f waits at 2", "f sent"), events, "a turn sent ahead leaves the line like any other");
        assertEquals(2, scheduler.sentAhead());
    }

    @Test
    void aPhoneHasOneTurnAtATimeAndTheLineIsBounded() throws Exception {
        TurnScheduler scheduler = new TurnScheduler(1, 1);
        submit(scheduler, "a");
        assertEquals(TurnScheduler.Refusal.ONE_AT_A_TIME, refusal(scheduler, "a"));
        submit(scheduler, "b");
        assertEquals(TurnScheduler.Refusal.BUSY, refusal(scheduler, "c"));
        assertEquals(List.of("a sent", "b waits at 1", "b sent"), events, "refused turns hear nothing");
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
        assertEquals(List.of("b sent"), events);

        TurnScheduler.Reservation c = scheduler.reserve("c");
        c.cancel();
        assertEquals(0, scheduler.waiting(), "the cancelled place is free again");
        submit(scheduler, "c");
        assertEquals(List.of("b sent", "c waits at 1", "c sent"), events);
    }

    @Test
    void aTurnIsSentAheadOnlyBehindTurnsAlreadySentSoTheModelServerHasTheHostsOrder() throws Exception {
        TurnScheduler scheduler = new TurnScheduler(1, 8);
        submit(scheduler, "a");
        TurnScheduler.Reservation b = scheduler.reserve("b");
        submit(scheduler, "c");
        assertEquals(List.of("a sent", "c waits at 2"), events, "b's turn is not stored yet: c is not sent before it");
        b.begin(turn("b"));
        assertEquals(List.of("a sent", "c waits at 2", "b waits at 1", "b sent"), events,
                "one slot, one turn ahead: b, not c");
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
        assertEquals(List.of("c waits at 1", "c sent"), events, "only c moved up, and is next in the model server");
        assertEquals(1, scheduler.running(), "a keeps its slot");

        events.clear();
        scheduler.finished("a");
        assertEquals(List.of(), events, "c's request is already on its way");
        assertTrue(scheduler.holdsSlot("c"));
    }

    @Test
    void fairnessUnderContinuousLoadNoPhoneGetsTwoTurnsBeforeAnotherGetsOne() throws Exception {
        TurnScheduler scheduler = new TurnScheduler(1, 8);
        List<String> devices = List.of("a", "b", "c");
        for (String device : devices) {
            submit(scheduler, device);
        }
        List<String> order = new ArrayList<>();
        for (int round = 0; round < 9; round++) {
            String current = devices.stream().filter(scheduler::holdsSlot).findFirst().orElseThrow();
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
        assertEquals(List.of("a sent", "b waits at 1", "b sent", "c waits at 2", "d waits at 3"), events);
        events.clear();
        scheduler.resize(3);
        assertEquals(List.of("c sent", "d waits at 1", "d sent"), events,
                "b and c take the new slots (b was sent before), d is sent ahead");
        assertEquals(3, scheduler.running());

        scheduler.resize(1);
        scheduler.finished("a");
        scheduler.finished("b");
        assertEquals(1, scheduler.running(), "c still runs; d waits until fewer than 1 run");
        assertFalse(scheduler.holdsSlot("d"));
        scheduler.finished("c");
        assertTrue(scheduler.holdsSlot("d"));
        assertThrows(IllegalArgumentException.class, () -> scheduler.resize(0));
    }
}

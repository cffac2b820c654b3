package dev.persona.host.chat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Shares the model server's slots fairly between phones: each phone has at most one turn running or waiting, so
 * the waiting line, served in arrival order, takes the phones in turn; the line is bounded. Callbacks run outside
 * the scheduler's lock, in the order the decisions were made.
 */
public final class TurnScheduler {

    /** A turn as the scheduler sees it. */
    public interface Turn {
        /** The phone it belongs to. */
        String device();

        /** It got a slot: start generating (quickly; the answer streams elsewhere). */
        void start();

        /** It waits; {@code position} 1 is next. Called again when the position changes. */
        void queued(int position);
    }

    /** Why a turn was not taken. */
    public enum Refusal { ONE_AT_A_TIME, BUSY }

    private final int slots;
    private final int queueLimit;
    private final Deque<Turn> waiting = new ArrayDeque<>();
    private final Set<String> devicesWithATurn = new HashSet<>();
    private int running;

    public TurnScheduler(int slots, int queueLimit) {
        if (slots < 1 || queueLimit < 0) {
            throw new IllegalArgumentException("slots must be at least 1 and the queue limit at least 0, not "
                    + slots + " and " + queueLimit);
        }
        this.slots = slots;
        this.queueLimit = queueLimit;
    }

    /** Takes a turn: starts it, queues it, or says why not (nothing is called then). */
    public Refusal submit(Turn turn) {
        List<Runnable> actions = new ArrayList<>();
        synchronized (this) {
            if (devicesWithATurn.contains(turn.device())) {
                return Refusal.ONE_AT_A_TIME;
            }
            if (running < slots) {
                running++;
                actions.add(turn::start);
            } else if (waiting.size() >= queueLimit) {
                return Refusal.BUSY;
            } else {
                waiting.add(turn);
                int position = waiting.size();
                actions.add(() -> turn.queued(position));
            }
            devicesWithATurn.add(turn.device());
        }
        actions.forEach(Runnable::run);
        return null;
    }

    /** The device's turn ended (done, failed, stopped, or the phone left), running or still waiting. */
    public void finished(String device) {
        List<Runnable> actions = new ArrayList<>();
        synchronized (this) {
            if (!devicesWithATurn.remove(device)) {
                return;
            }
            boolean wasWaiting = false;
            for (Iterator<Turn> it = waiting.iterator(); it.hasNext(); ) {
                if (it.next().device().equals(device)) {
                    it.remove();
                    wasWaiting = true;
                }
            }
            if (!wasWaiting) {
                running--;
            }
            while (running < slots && !waiting.isEmpty()) {
                Turn next = waiting.poll();
                running++;
                actions.add(next::start);
            }
            int position = 1;
            for (Turn stillWaiting : waiting) {
                int p = position++;
                actions.add(() -> stillWaiting.queued(p));
            }
        }
        actions.forEach(Runnable::run);
    }

    public synchronized int running() {
        return running;
    }

    public synchronized int waiting() {
        return waiting.size();
    }
}

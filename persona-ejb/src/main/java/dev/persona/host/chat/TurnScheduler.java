package dev.persona.host.chat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Shares the model server's slots fairly between phones: each phone has at most one turn running or waiting, so
 * the waiting line, served in arrival order, takes the phones in turn; the line is bounded.
 *
 * <p>The first turns in line, one per slot, are sent ahead: they {@link Turn#start start} while they still wait, so
 * that their requests wait in the model server's own queue (llama-server serves its waiting requests in arrival
 * order as its slots free) and a freed slot takes the next turn at once, not after the host heard that the slot is
 * free and sent the next request. Such a turn keeps its place in the host's line, and hears its position, until it
 * gets its slot here; it is cancelled like any other (its request is cancelled and leaves the model server's queue).
 *
 * <p>Taking a turn has two steps, so that a refused turn leaves nothing behind: {@link #reserve} holds a slot or a
 * place in line for the phone (or says why not), the caller stores the turn, then {@link Reservation#begin} starts
 * it or tells it its place. Callbacks run outside the scheduler's lock but one decision's callbacks at a time, in
 * the order the decisions were made, so a phone never hears an older position after a newer one.
 */
public final class TurnScheduler {

    /** A turn as the scheduler sees it. */
    public interface Turn {
        /**
         * Send the request to the model server (quickly; the answer streams elsewhere): the turn got a slot, or it
         * is among the first in line and waits in the model server's queue. Called once per turn, in the order of the
         * line; an implementation that sends the request from another thread keeps that order (ActiveTurn: one
         * serial executor for all starts), or the model server's queue may serve the turns in another order.
         */
        void start();

        /** It waits; {@code position} 1 is next. Called again only when the position changes. */
        void queued(int position);
    }

    /** Why a turn was not taken. */
    public enum Refusal { ONE_AT_A_TIME, BUSY }

    /** The phone's turn cannot be taken now; nothing was reserved. */
    public static final class RefusedException extends Exception {
        private final Refusal refusal;

        RefusedException(Refusal refusal) {
            super(refusal.name());
            this.refusal = refusal;
        }

        public Refusal refusal() {
            return refusal;
        }
    }

    /** A slot or a place in line held for one phone's turn. */
    public final class Reservation {
        private final String device;
        private Turn turn;
        private boolean holdsSlot;
        /** Whether the turn was started (sent to the model server), with a slot or ahead of it. */
        private boolean started;
        private int toldPosition;

        private Reservation(String device) {
            this.device = device;
        }

        /**
         * The turn is stored: it starts now if the reservation holds a slot, else it hears its place in line (and
         * starts too if it is among the first in line, one per slot: sent ahead).
         */
        public void begin(Turn stored) {
            deliver(actions -> {
                if (reservations.get(device) != this || turn != null) {
                    return;
                }
                turn = stored;
                if (holdsSlot) {
                    started = true;
                    actions.add(stored::start);
                } else {
                    tellPositions(actions);
                    sendAhead(actions);
                }
            });
        }

        /** The turn could not be stored: gives the slot or the place back. */
        public void cancel() {
            finished(device);
        }
    }

    private final int queueLimit;
    private int slots;
    private final Deque<Reservation> waiting = new ArrayDeque<>();
    private final Map<String, Reservation> reservations = new HashMap<>();
    /** Held while a decision is made and its callbacks run: keeps the callbacks of two decisions apart. */
    private final Object delivery = new Object();
    private int running;

    /**
     * @param slots      turns that run at once, until {@link #resize}
     * @param queueLimit turns that may wait
     */
    public TurnScheduler(int slots, int queueLimit) {
        if (slots < 1 || queueLimit < 0) {
            throw new IllegalArgumentException("slots must be at least 1 and the queue limit at least 0, not "
                    + slots + " and " + queueLimit);
        }
        this.slots = slots;
        this.queueLimit = queueLimit;
    }

    /** Holds a slot, or else a place in line, for the device's next turn. */
    public Reservation reserve(String device) throws RefusedException {
        synchronized (this) {
            if (reservations.containsKey(device)) {
                throw new RefusedException(Refusal.ONE_AT_A_TIME);
            }
            Reservation reservation = new Reservation(device);
            if (running < slots) {
                running++;
                reservation.holdsSlot = true;
            } else if (waiting.size() >= queueLimit) {
                throw new RefusedException(Refusal.BUSY);
            } else {
                waiting.add(reservation);
            }
            reservations.put(device, reservation);
            return reservation;
        }
    }

    /** The device's turn ended (done, failed, stopped, or the phone left), running or still waiting. */
    public void finished(String device) {
        deliver(actions -> {
            Reservation ended = reservations.remove(device);
            if (ended == null) {
                return;
            }
            if (ended.holdsSlot) {
                running--;
            } else {
                waiting.remove(ended);
            }
            startWaiting(actions);
        });
    }

    /**
     * The model server has {@code newSlots} slots now (a pool restarted with other sizes): with more, waiting turns
     * start at once; with fewer, running turns finish and the next starts once fewer than {@code newSlots} run.
     */
    public void resize(int newSlots) {
        if (newSlots < 1) {
            throw new IllegalArgumentException("slots must be at least 1, not " + newSlots);
        }
        synchronized (this) {
            if (slots == newSlots) {
                return;
            }
        }
        deliver(actions -> {
            slots = newSlots;
            startWaiting(actions);
        });
    }

    /** Gives free slots to the turns waiting longest, then tells the others their places. */
    private void startWaiting(List<Runnable> actions) {
        while (running < slots && !waiting.isEmpty()) {
            Reservation next = waiting.poll();
            next.holdsSlot = true;
            running++;
            if (next.turn != null && !next.started) {
                next.started = true;
                actions.add(next.turn::start);
            }
        }
        tellPositions(actions);
        sendAhead(actions);
    }

    /**
     * Starts the first waiting turns, up to one per slot, that have not started yet, in their order; stops at a
     * place whose turn is not stored yet, so that the model server's queue has them in the host's order.
     */
    private void sendAhead(List<Runnable> actions) {
        int ahead = 0;
        for (Reservation reservation : waiting) {
            if (ahead++ >= slots || reservation.turn == null) {
                return;
            }
            if (!reservation.started) {
                reservation.started = true;
                actions.add(reservation.turn::start);
            }
        }
    }

    /** Adds a {@code queued} call for each waiting turn whose position is not the one it last heard. */
    private void tellPositions(List<Runnable> actions) {
        int position = 0;
        for (Iterator<Reservation> it = waiting.iterator(); it.hasNext(); ) {
            Reservation reservation = it.next();
            int p = ++position;
            if (reservation.turn != null && reservation.toldPosition != p) {
                reservation.toldPosition = p;
                Turn turn = reservation.turn;
                actions.add(() -> turn.queued(p));
            }
        }
    }

    private void deliver(java.util.function.Consumer<List<Runnable>> decision) {
        synchronized (delivery) {
            List<Runnable> actions = new ArrayList<>();
            synchronized (this) {
                decision.accept(actions);
            }
            actions.forEach(Runnable::run);
        }
    }

    public synchronized int running() {
        return running;
    }

    public synchronized int waiting() {
        return waiting.size();
    }

    /** Whether the device's turn holds a slot (rather than waiting in line, sent ahead or not). */
    synchronized boolean holdsSlot(String device) {
        Reservation reservation = reservations.get(device);
        return reservation != null && reservation.holdsSlot;
    }

    /** Waiting turns already sent to the model server (waiting in its queue). */
    public synchronized int sentAhead() {
        return (int) waiting.stream().filter(r -> r.started).count();
    }
}

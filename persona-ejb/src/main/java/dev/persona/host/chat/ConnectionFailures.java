package dev.persona.host.chat;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import dev.persona.peer.SessionClosed;

/**
 * The last phones that could not connect to the host (no peer-to-peer path, or an offer the host cannot use), for
 * the console: the phone page says it to the person holding the phone, and this says it to the owner. Bounded; the
 * newest first.
 */
public final class ConnectionFailures {

    /** Failures kept. */
    static final int KEPT = 20;

    /**
     * One phone that did not get a data channel.
     *
     * @param at      when the host gave up
     * @param phoneId the phone's key id on signaling
     * @param reason  {@code UNREACHABLE} or {@code NEGOTIATION_FAILED}
     * @param detail  what happened and what to check (the host peer's message)
     */
    public record Failure(Instant at, String phoneId, SessionClosed.Reason reason, String detail) {
    }

    private final Deque<Failure> failures = new ArrayDeque<>();

    /** Keeps {@code closed} if it is a failure to connect; other endings are not. */
    void record(String phoneId, SessionClosed closed, Instant at) {
        if (closed.reason() != SessionClosed.Reason.UNREACHABLE
                && closed.reason() != SessionClosed.Reason.NEGOTIATION_FAILED) {
            return;
        }
        synchronized (failures) {
            failures.addFirst(new Failure(at, phoneId, closed.reason(), closed.message()));
            while (failures.size() > KEPT) {
                failures.removeLast();
            }
        }
    }

    /** Newest first. */
    public List<Failure> list() {
        synchronized (failures) {
            return new ArrayList<>(failures);
        }
    }
}

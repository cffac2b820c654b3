package dev.persona.host.chat;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A read-only view of the phones connected now, for the console: which phone, device and persona each session
 * belongs to and which transport carries it, and a way to end one (its running answer stops and frees its slot, as when the phone leaves).
 */
public final class LiveSessions {

    /**
     * One connected phone.
     *
     * @param phoneId   the phone's key id on signaling
     * @param deviceId  its device record, or null while the handshake is not complete
     * @param personaId the persona it talks to
     * @param request   what the phone asked in its running or waiting turn, or null when it has none
     * @param tokens    tokens generated so far for that turn (0 while it waits or when there is none)
     * @param transport what carries the session (null before the transport opened)
     */
    public record LiveSession(String phoneId, UUID deviceId, UUID personaId, String request, int tokens,
                              Transport transport) {
    }

    /** What carries a phone's session: the host peer's data channel, or the relay WebSocket on the page's origin. */
    public enum Transport { DATA_CHANNEL, RELAY }

    private final Set<PhoneSession> sessions;
    private final TurnScheduler scheduler;

    LiveSessions(Set<PhoneSession> sessions, TurnScheduler scheduler) {
        this.sessions = sessions;
        this.scheduler = scheduler;
    }

    /** Answers being generated now. */
    public int runningTurns() {
        return scheduler.running();
    }

    /** Turns waiting for a free slot, those already sent to the model server's queue included. */
    public int waitingTurns() {
        return scheduler.waiting();
    }

    /** Waiting turns already sent ahead to the model server, where they wait in its queue ({@link TurnScheduler}). */
    public int turnsSentAhead() {
        return scheduler.sentAhead();
    }

    public List<LiveSession> list() {
        return sessions.stream().map(LiveSessions::view).sorted(Comparator.comparing(LiveSession::phoneId)).toList();
    }

    private static LiveSession view(PhoneSession session) {
        ActiveTurn turn = session.currentTurn();
        return new LiveSession(session.phoneId(), session.deviceId(), session.personaId(),
                turn == null ? null : turn.request(), turn == null ? 0 : turn.tokens(), session.transport());
    }

    /** Ends the phone's session; returns whether it was connected. */
    public boolean end(String phoneId) {
        List<PhoneSession> matching = sessions.stream().filter(s -> s.phoneId().equals(phoneId)).toList();
        matching.forEach(PhoneSession::close);
        return !matching.isEmpty();
    }
}

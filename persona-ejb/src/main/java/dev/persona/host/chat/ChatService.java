package dev.persona.host.chat;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import dev.persona.host.tools.ReminderDue;
import dev.persona.peer.SerialExecutor;

/**
 * The chat core, free of the container: the phones' sessions, the fair {@link TurnScheduler} sized by the model
 * server's slots as they are now, and the context budget of a turn. Its ports ({@link ChatPorts}) are the only way
 * out; {@link ChatHost} builds it from the container's beans, tests from fakes.
 */
final class ChatService implements TurnSlots {

    private final ChatPorts ports;
    private final ChatLimits limits;
    private final TurnScheduler scheduler;
    /** The turns' starts, one after the other in the scheduler's order ({@link TurnSlots#starts}). */
    private final Executor starts;
    private final Set<PhoneSession> sessions = ConcurrentHashMap.newKeySet();

    ChatService(ChatPorts ports, ChatLimits limits) {
        this.ports = ports;
        this.limits = limits;
        // Sized at each turn from the model server (resize): a pool restarted with other sizes counts at once.
        this.scheduler = new TurnScheduler(1, limits.queueLimit());
        this.starts = new SerialExecutor(ports.executor());
    }

    /**
     * A phone's new connection to {@code persona}; the caller feeds it what the phone's transport hears.
     *
     * @param phoneId the phone's key id, as the transport vouches for it
     */
    PhoneSession connect(HostedPersona persona, String phoneId) {
        PhoneSession session = new PhoneSession(ports, this, limits.historyCharacters(), persona, phoneId,
                this::proven, sessions::remove);
        sessions.add(session);
        return session;
    }

    /**
     * A phone proved its key on {@code session}: the device's other sessions are paths it has left (one device, one
     * session), so they end now, and with them a turn the phone could otherwise not retry until the host noticed.
     */
    private void proven(PhoneSession session) {
        UUID device = session.deviceId();
        if (device == null) {
            return; // a key no device holds (a stranger refused): it has no other sessions to end
        }
        sessions.stream().filter(s -> s != session && device.equals(s.deviceId())).forEach(PhoneSession::replaced);
    }

    /** The owner approved the device: its phones waiting on an open channel may chat now. */
    void approved(UUID deviceId) {
        sessions.stream().filter(s -> deviceId.equals(s.deviceId())).forEach(PhoneSession::approved);
    }

    /** The owner revoked the device: its phones are cut off, running answers included. */
    void revoked(UUID deviceId) {
        sessions.stream().filter(s -> deviceId.equals(s.deviceId())).forEach(PhoneSession::revoked);
    }

    /** A reminder came due: the device's connected phones get it (the first that takes it marks it delivered). */
    void remind(ReminderDue due) {
        sessions.stream().filter(s -> due.deviceId().equals(s.deviceId())).forEach(s -> s.remind(due));
    }

    /** The phones connected now, for the console. */
    LiveSessions liveSessions() {
        return new LiveSessions(sessions, scheduler);
    }

    /** Closes every session (the host goes off line). */
    void closeAll() {
        sessions.forEach(PhoneSession::close);
    }

    @Override
    public ContextBudget budget() {
        return new ContextBudget(ports.model().slotTokens(), limits.maxTokens());
    }

    @Override
    public TurnScheduler.Reservation reserve(String device) throws TurnScheduler.RefusedException {
        scheduler.resize(ports.model().slots());
        return scheduler.reserve(device);
    }

    @Override
    public void finished(String device) {
        scheduler.finished(device);
    }

    @Override
    public Executor starts() {
        return starts;
    }
}

package dev.persona.host.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.logging.Logger;

import dev.persona.host.devices.Admission;
import dev.persona.host.devices.DeviceTrust;
import dev.persona.host.handshake.HandshakeException;
import dev.persona.host.handshake.HostHandshake;
import dev.persona.host.protocol.Frames;
import dev.persona.host.protocol.ProtocolException;
import dev.persona.host.tools.ReminderDue;
import dev.persona.host.tools.ToolCallView;
import dev.persona.host.tools.ToolCardSender;
import dev.persona.llama.ChatRole;
import dev.persona.peer.ConnectionRequest;
import dev.persona.peer.PeerSession;
import dev.persona.peer.PeerSessionListener;
import dev.persona.peer.SessionClosed;
import dev.persona.peer.logs.LogText;

/**
 * One phone's connection as the chat sees it: the handshake, then the admission decision, then the phone's turns,
 * history and deletions (docs/protocol.md). What the phone sends arrives one call at a time from its transport
 * (whichever carries it: it only sends frames through a {@link PhoneChannel}); a turn's answer streams from the
 * model server on other threads through {@link ActiveTurn}.
 */
final class PhoneSession {

    private static final Logger LOG = Logger.getLogger(PhoneSession.class.getName());

    private enum State { HANDSHAKE, WAITING_FOR_OWNER, ADMITTED, CLOSED }

    private final ChatPorts ports;
    private final TurnSlots slots;
    private final int historyCharacters;
    private final HostedPersona persona;
    private final String phoneId;
    private final Consumer<PhoneSession> proven;
    private final Consumer<PhoneSession> ended;
    private final HostHandshake handshake;
    private volatile State state = State.HANDSHAKE;
    private volatile PhoneChannel channel;
    private volatile UUID deviceId;
    private volatile ActiveTurn turn;

    /**
     * @param historyCharacters how much of a conversation goes into a request at most
     * @param phoneId           the phone's key id, as its transport vouches for it (the handshake must prove it)
     * @param proven            told when the phone proved its key and the session knows its device, before the
     *                          phone hears the admission decision
     * @param ended             told once when the session has closed
     */
    PhoneSession(ChatPorts ports, TurnSlots slots, int historyCharacters, HostedPersona persona, String phoneId,
                 Consumer<PhoneSession> proven, Consumer<PhoneSession> ended) {
        this.ports = ports;
        this.slots = slots;
        this.historyCharacters = historyCharacters;
        this.persona = persona;
        this.phoneId = phoneId;
        this.proven = proven;
        this.ended = ended;
        this.handshake = new HostHandshake(persona.signer());
    }

    UUID deviceId() {
        return deviceId;
    }

    UUID personaId() {
        return persona.id();
    }

    String phoneId() {
        return phoneId;
    }

    /** What carries the session, or null before its transport opened. */
    LiveSessions.Transport transport() {
        PhoneChannel current = channel;
        return current == null ? null : current.transport();
    }

    /** The transport is open: the session may send. */
    void opened(PhoneChannel opened) {
        this.channel = opened;
    }

    /** A text frame from the phone. */
    void received(String text) {
        try {
            Frames.Received message = Frames.read(text);
            switch (state) {
                case HANDSHAKE -> handshake(message);
                case ADMITTED -> chat(message);
                case WAITING_FOR_OWNER -> throw new ProtocolException("handshake-first",
                        "This phone waits for the owner's approval; chat starts once it is approved.");
                case CLOSED -> { }
            }
        } catch (ProtocolException e) {
            send(new Frames.Failure(e.turnId(), e.code(), e.getMessage()));
        } catch (HandshakeException e) {
            LOG.info(() -> "Handshake with " + phoneId + " failed: " + e.code() + ": "
                    + LogText.untrusted(e.getMessage()));
            send(new Frames.Failure(null, e.code(), e.getMessage()));
            close();
        }
    }

    /** A binary frame from the phone: not part of the protocol. */
    void receivedBinary() {
        send(new Frames.Failure(null, "malformed", "Binary frames are not part of the protocol: send JSON text."));
    }

    /**
     * The transport dropped a message that was malformed ({@code tooLarge} false) or too large; the session goes on.
     * {@code reason} is fit to send back to the phone.
     */
    void rejected(boolean tooLarge, String reason) {
        send(new Frames.Failure(null, tooLarge ? "too-large" : "malformed", reason));
    }

    /** The transport closed (the phone left, the host closed it, or the path broke): a running answer stops. */
    void closed() {
        state = State.CLOSED;
        ActiveTurn running = turn;
        if (running != null) {
            running.stop(false);
        }
        ended.accept(this);
    }

    private void handshake(Frames.Received message) {
        switch (message.type()) {
            case "hello" -> {
                Frames.Hello hello = message.as(Frames.Hello.class);
                HostHandshake.Welcome welcome = handshake.onHello(new HostHandshake.Hello(hello.v(), hello.host(),
                        hello.device(), hello.challenge(), hello.invite(), hello.name()), ports.clock().instant());
                send(new Frames.Welcome(welcome.hostId(), welcome.challenge(), welcome.signature()));
            }
            case "proof" -> {
                HostHandshake.ProvenPhone phone = handshake.onProof(
                        new HostHandshake.Proof(message.as(Frames.Proof.class).signature()), ports.clock().instant());
                if (!phone.deviceId().toString().equals(phoneId)) {
                    throw new HandshakeException("bad-signature", "The phone proved another key than the one it "
                            + "signed in to signaling with.");
                }
                channel.proven(false);
                DeviceTrust.AdmissionResult result = ports.admission().admit(persona.id(),
                        phone.deviceId().publicKey(), phone.invite(), phone.name());
                deviceId = result.deviceId();
                proven.accept(this);
                decide(result.decision());
            }
            default -> throw new ProtocolException("handshake-first", "The handshake comes first: send 'hello'.");
        }
    }

    private void decide(Admission.Decision decision) {
        switch (decision.outcome()) {
            case ADMITTED -> admitted(decision.code(), decision.reason());
            case WAITING -> {
                state = State.WAITING_FOR_OWNER;
                send(new Frames.Waiting(decision.code(), decision.reason()));
            }
            case REFUSED -> {
                send(new Frames.Refused(decision.code(), decision.reason()));
                close();
            }
        }
    }

    /** The owner approved this phone while it waited on this channel. */
    void approved() {
        if (state == State.WAITING_FOR_OWNER) {
            admitted("approved", "The owner approved this phone.");
        }
    }

    /** The owner revoked this phone: it is cut off now, running answer included. */
    void revoked() {
        ActiveTurn running = turn;
        if (running != null) {
            running.stop(false);
        }
        send(new Frames.Failure(null, "revoked", "The host's owner revoked this phone's access."));
        close();
    }

    /**
     * The same device proved its key on a newer session: this one is a path the phone has left (its network changed
     * or broke, and the host's side has not noticed yet). Its running answer ends as when the phone leaves (not
     * kept; the page reports it cut off, docs/protocol.md section 2) and frees the device's turn at once, then the
     * transport closes.
     */
    void replaced() {
        state = State.CLOSED;
        ActiveTurn running = turn;
        if (running != null) {
            running.stop(false);
        }
        close();
    }

    private void admitted(String code, String reason) {
        state = State.ADMITTED;
        channel.proven(true);
        send(new Frames.Admitted(code, reason, persona.name(), persona.currentKeyId().get().toString(),
                ports.model().modelName(), slots.budget().maxTextCharacters(persona.systemPrompt()), 1));
        ports.executor().execute(() -> ports.reminders().undelivered(deviceId).forEach(this::remind));
    }

    /** A reminder of this phone is due: sent now if the phone is admitted, else it waits for the next connection. */
    void remind(ReminderDue due) {
        if (state == State.ADMITTED && send(new Frames.Reminder(due.id(), due.text(), due.due()))) {
            ports.reminders().delivered(due.id());
        }
    }

    private void chat(Frames.Received message) {
        switch (message.type()) {
            case "chat" -> startTurn(message.as(Frames.Chat.class));
            case "stop" -> {
                String id = message.as(Frames.Stop.class).id();
                ActiveTurn running = turn;
                if (running != null && running.id().equals(id)) {
                    running.stop(true);
                }
            }
            case "history" -> history(message.as(Frames.HistoryRequest.class).conversationId());
            case "delete" -> {
                UUID conversation = message.as(Frames.Delete.class).conversationId();
                guarded(() -> ports.conversations().delete(conversation, deviceId));
                send(new Frames.Deleted(conversation));
            }
            default -> throw new ProtocolException("unknown-type", "Unknown message type '" + message.type()
                    + "' (protocol version 1).");
        }
    }

    private void startTurn(Frames.Chat message) {
        try {
            startTurn(message.id(), message);
        } catch (ProtocolException e) {
            throw e.turnId() != null ? e : new ProtocolException(message.id(), e.code(), e.getMessage());
        }
    }

    /**
     * Checks the turn and reads its conversation, holds a slot or a place in line for it, and only then says
     * {@code accepted}, starts storing it and lets it start: a refused turn leaves nothing behind.
     */
    private void startTurn(String id, Frames.Chat message) {
        String text = message.text();
        if (text.isBlank()) {
            throw new ProtocolException("malformed", "'text' is empty.");
        }
        ContextBudget budget = slots.budget();
        int limit = budget.maxTextCharacters(persona.systemPrompt());
        if (text.length() > limit) {
            throw new ProtocolException("too-large", "A message may have at most " + limit + " characters here "
                    + "(what fits the model's context of " + budget.slotTokens() + " tokens per slot "
                    + "beside the answer); this one has " + text.length() + ".");
        }
        if (turn != null) {
            throw oneAtATime();
        }
        UUID requested = message.conversationId();
        List<StoredMessage> history = requested == null ? List.of()
                : guarded(() -> ports.conversations().recent(requested, deviceId, historyCharacters));
        TurnScheduler.Reservation reservation;
        try {
            reservation = slots.reserve(deviceId.toString());
        } catch (TurnScheduler.RefusedException e) {
            throw e.refusal() == TurnScheduler.Refusal.BUSY
                    ? new ProtocolException("busy", "The host is busy with other phones; try again in a moment.")
                    : oneAtATime();
        }
        // The turn says accepted and is stored once its request is on its way (or it waits in line): storing waits
        // for the database, the answer should not.
        UUID conversation = requested != null ? requested : UUID.randomUUID();
        ActiveTurn next = new ActiveTurn(ports, slots, this, persona, id, conversation, history, text,
                () -> ports.conversations().startTurn(persona.id(), deviceId, conversation, requested == null, text));
        turn = next;
        reservation.begin(next);
    }

    private static ProtocolException oneAtATime() {
        return new ProtocolException("one-at-a-time", "Wait for the current answer, or stop it, before sending.");
    }

    /** The turn running or waiting for a slot now, or null. */
    ActiveTurn currentTurn() {
        return turn;
    }

    /** The turn's answer is complete, stopped or failed. */
    void turnEnded(ActiveTurn ended) {
        if (turn == ended) {
            turn = null;
        }
    }

    private void history(UUID conversationId) {
        if (conversationId == null) {
            List<Frames.ConversationSummary> list = ports.conversations().list(deviceId).stream()
                    .map(c -> new Frames.ConversationSummary(c.id(), c.title(), c.updatedAt())).toList();
            send(new Frames.History(list, null));
            return;
        }
        Conversation conversation = guarded(() -> ports.conversations().conversation(conversationId, deviceId));
        List<StoredMessage> messages = ports.conversations().messages(conversationId, deviceId);
        List<ToolCallView> calls = ports.conversations().toolCalls(conversationId);
        List<Frames.HistoryMessage> list = new ArrayList<>();
        int nextCall = 0;
        for (StoredMessage m : messages) {
            // Both lists are oldest first: the calls of an answer are those made after the message before it and
            // before it was stored; calls before a user message belong to a turn that stored no answer.
            int first = nextCall;
            while (nextCall < calls.size() && !calls.get(nextCall).calledAt().isAfter(m.createdAt())) {
                nextCall++;
            }
            List<Frames.ToolCard> tools = m.role() == ChatRole.ASSISTANT && nextCall > first
                    ? calls.subList(first, nextCall).stream().map(ToolCardSender::historyCard).toList() : null;
            list.add(new Frames.HistoryMessage(m.role().name().toLowerCase(Locale.ROOT), m.text(), m.createdAt(),
                    m.state() == StoredMessage.State.COMPLETE ? null : m.state().name().toLowerCase(Locale.ROOT),
                    tools));
        }
        send(new Frames.History(null, new Frames.ConversationView(conversation.id(), conversation.title(), list)));
    }

    /**
     * Runs a call into the conversations, turning "not this phone's conversation" and a failure of the database
     * (logged) into the protocol's errors.
     */
    private <T> T guarded(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (ProtocolException e) {
            throw e;
        } catch (RuntimeException e) {
            if (causedBy(e, UnknownConversationException.class)) {
                throw new ProtocolException("unknown-conversation", "No such conversation on this phone.");
            }
            LOG.warning(() -> "The conversations of " + phoneId + " could not be read or written: " + e);
            throw ProtocolException.storageFailed();
        }
    }

    private void guarded(Runnable call) {
        guarded(() -> {
            call.run();
            return null;
        });
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    boolean send(Frames.ToPhone message) {
        PhoneChannel current = channel;
        return current != null && current.send(Frames.write(message));
    }

    /** Closes the phone's transport; {@link #closed()} follows when it is done. */
    void close() {
        state = State.CLOSED;
        PhoneChannel current = channel;
        if (current != null) {
            current.close();
        }
    }
}

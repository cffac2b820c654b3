package dev.persona.host.chat;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.logging.Logger;

import dev.persona.host.devices.Admission;
import dev.persona.host.devices.DeviceTrust;
import dev.persona.host.handshake.HandshakeException;
import dev.persona.host.handshake.HostHandshake;
import dev.persona.peer.logs.LogText;
import dev.persona.host.tools.ReminderDue;
import dev.persona.host.tools.ReminderMessage;
import dev.persona.host.tools.ToolCallView;
import dev.persona.host.tools.ToolCardSender;
import dev.persona.llama.ChatRole;
import dev.persona.peer.ConnectionRequest;
import dev.persona.peer.PeerSession;
import dev.persona.peer.PeerSessionListener;
import dev.persona.peer.SessionClosed;
import dev.persona.peer.logs.LogText;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

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
    private final Consumer<PhoneSession> ended;
    private final HostHandshake handshake;
    private volatile State state = State.HANDSHAKE;
    private volatile PhoneChannel channel;
    private volatile UUID deviceId;
    private volatile ActiveTurn turn;

    /**
     * @param historyCharacters how much of a conversation goes into a request at most
     * @param phoneId           the phone's key id, as its transport vouches for it (the handshake must prove it)
     * @param ended             told once when the session has closed
     */
    PhoneSession(ChatPorts ports, TurnSlots slots, int historyCharacters, HostedPersona persona, String phoneId,
                 Consumer<PhoneSession> ended) {
        this.ports = ports;
        this.slots = slots;
        this.historyCharacters = historyCharacters;
        this.persona = persona;
        this.phoneId = phoneId;
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
            JsonObject message = ChatMessages.parse(text);
            String type = message.getString("type");
            switch (state) {
                case HANDSHAKE -> handshake(type, message);
                case ADMITTED -> chat(type, message);
                case WAITING_FOR_OWNER -> throw new ProtocolException("handshake-first",
                        "This phone waits for the owner's approval; chat starts once it is approved.");
                case CLOSED -> { }
            }
        } catch (ProtocolException e) {
            send(ChatMessages.error(e.turnId(), e.code(), e.getMessage()));
        } catch (HandshakeException e) {
            LOG.info(() -> "Handshake with " + phoneId + " failed: " + e.code() + ": "
                    + LogText.untrusted(e.getMessage()));
            send(ChatMessages.error(null, e.code(), e.getMessage()));
            close();
        }
    }

    /** A binary frame from the phone: not part of the protocol. */
    void receivedBinary() {
        send(ChatMessages.error(null, "malformed", "Binary frames are not part of the protocol: send JSON text."));
    }

    /**
     * The transport dropped a message that was malformed ({@code tooLarge} false) or too large; the session goes on.
     * {@code reason} is fit to send back to the phone.
     */
    void rejected(boolean tooLarge, String reason) {
        send(ChatMessages.error(null, tooLarge ? "too-large" : "malformed", reason));
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

    private void handshake(String type, JsonObject message) {
        switch (type) {
            case "hello" -> {
                HostHandshake.Welcome welcome = handshake.onHello(new HostHandshake.Hello(
                        ChatMessages.requiredInt(message, "v"), ChatMessages.requiredString(message, "host"),
                        ChatMessages.requiredString(message, "device"), ChatMessages.requiredString(message, "challenge"),
                        ChatMessages.optionalString(message, "invite"), ChatMessages.optionalString(message, "name")),
                        ports.clock().instant());
                send(ChatMessages.message("welcome").add("host", welcome.hostId()).add("challenge", welcome.challenge())
                        .add("signature", welcome.signature()).build().toString());
            }
            case "proof" -> {
                HostHandshake.ProvenPhone phone = handshake.onProof(
                        new HostHandshake.Proof(ChatMessages.requiredString(message, "signature")), ports.clock().instant());
                if (!phone.deviceId().toString().equals(phoneId)) {
                    throw new HandshakeException("bad-signature", "The phone proved another key than the one it "
                            + "signed in to signaling with.");
                }
                channel.proven(false);
                DeviceTrust.AdmissionResult result = ports.admission().admit(persona.id(),
                        phone.deviceId().publicKey(), phone.invite(), phone.name());
                deviceId = result.deviceId();
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
                send(ChatMessages.message("waiting").add("code", decision.code()).add("reason", decision.reason())
                        .build().toString());
            }
            case REFUSED -> {
                send(ChatMessages.message("refused").add("code", decision.code()).add("reason", decision.reason())
                        .build().toString());
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
        send(ChatMessages.error(null, "revoked", "The host's owner revoked this phone's access."));
        close();
    }

    private void admitted(String code, String reason) {
        state = State.ADMITTED;
        channel.proven(true);
        send(ChatMessages.message("admitted").add("code", code).add("reason", reason).add("persona", persona.name())
                .add("host", persona.currentKeyId().get().toString()).add("model", ports.model().modelName())
                .add("maxText", slots.budget().maxTextCharacters(persona.systemPrompt())).add("protocol", 1).build()
                .toString());
        ports.executor().execute(() -> ports.reminders().undelivered(deviceId).forEach(this::remind));
    }

    /** A reminder of this phone is due: sent now if the phone is admitted, else it waits for the next connection. */
    void remind(ReminderDue due) {
        if (state == State.ADMITTED && send(ReminderMessage.of(due))) {
            ports.reminders().delivered(due.id());
        }
    }

    private void chat(String type, JsonObject message) {
        switch (type) {
            case "chat" -> startTurn(message);
            case "stop" -> {
                String id = ChatMessages.turnId(message);
                ActiveTurn running = turn;
                if (running != null && running.id().equals(id)) {
                    running.stop(true);
                }
            }
            case "history" -> history(ChatMessages.optionalUuid(message, "conversation"));
            case "delete" -> {
                UUID conversation = ChatMessages.optionalUuid(message, "conversation");
                if (conversation == null) {
                    throw new ProtocolException("malformed", "'conversation' is required.");
                }
                guarded(() -> ports.conversations().delete(conversation, deviceId));
                send(ChatMessages.message("deleted").add("conversation", conversation.toString()).build().toString());
            }
            default -> throw new ProtocolException("unknown-type", "Unknown message type '" + type
                    + "' (protocol version 1).");
        }
    }

    private void startTurn(JsonObject message) {
        String id = ChatMessages.turnId(message);
        try {
            startTurn(id, message);
        } catch (ProtocolException e) {
            throw e.turnId() != null ? e : new ProtocolException(id, e.code(), e.getMessage());
        }
    }

    /**
     * Checks the turn and reads its conversation, holds a slot or a place in line for it, and only then says
     * {@code accepted}, starts storing it and lets it start: a refused turn leaves nothing behind.
     */
    private void startTurn(String id, JsonObject message) {
        String text = ChatMessages.requiredString(message, "text");
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
        UUID requested = ChatMessages.optionalUuid(message, "conversation");
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
        // The answer starts while the turn is stored: storing waits for the database, the phone should not.
        UUID conversation = requested != null ? requested : UUID.randomUUID();
        CompletableFuture<UUID> stored = CompletableFuture.supplyAsync(() -> ports.conversations().startTurn(
                persona.id(), deviceId, conversation, requested == null, text), ports.executor());
        send(ChatMessages.message("accepted").add("id", id).add("conversation", conversation.toString()).build()
                .toString());
        ActiveTurn next = new ActiveTurn(ports, slots, this, persona, id, conversation, history, text, stored);
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
            JsonArrayBuilder list = Json.createArrayBuilder();
            for (Conversation c : ports.conversations().list(deviceId)) {
                list.add(Json.createObjectBuilder().add("id", c.id().toString()).add("title", c.title())
                        .add("updated", c.updatedAt().toString()));
            }
            send(ChatMessages.message("history").add("conversations", list).build().toString());
            return;
        }
        Conversation conversation = guarded(() -> ports.conversations().conversation(conversationId, deviceId));
        List<StoredMessage> messages = ports.conversations().messages(conversationId, deviceId);
        List<ToolCallView> calls = ports.conversations().toolCalls(conversationId);
        JsonArrayBuilder list = Json.createArrayBuilder();
        int nextCall = 0;
        for (StoredMessage m : messages) {
            JsonObjectBuilder entry = Json.createObjectBuilder()
                    .add("role", m.role().name().toLowerCase(java.util.Locale.ROOT))
                    .add("text", m.text()).add("at", m.createdAt().toString());
            if (m.state() != StoredMessage.State.COMPLETE) {
                entry.add("state", m.state().name().toLowerCase(java.util.Locale.ROOT));
            }
            // Both lists are oldest first: the calls of an answer are those made after the message before it and
            // before it was stored; calls before a user message belong to a turn that stored no answer.
            int first = nextCall;
            while (nextCall < calls.size() && !calls.get(nextCall).calledAt().isAfter(m.createdAt())) {
                nextCall++;
            }
            if (m.role() == ChatRole.ASSISTANT && nextCall > first) {
                JsonArrayBuilder tools = Json.createArrayBuilder();
                calls.subList(first, nextCall).forEach(call -> tools.add(ToolCardSender.historyCard(call)));
                entry.add("tools", tools);
            }
            list.add(entry);
        }
        send(ChatMessages.message("history").add("conversation", Json.createObjectBuilder()
                .add("id", conversation.id().toString()).add("title", conversation.title()).add("messages", list))
                .build().toString());
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

    boolean send(String message) {
        PhoneChannel current = channel;
        return current != null && current.send(message);
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

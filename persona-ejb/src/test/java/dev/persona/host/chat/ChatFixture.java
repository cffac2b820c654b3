package dev.persona.host.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.StringReader;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.persona.host.devices.Admission;
import dev.persona.host.devices.DeviceTrust;
import dev.persona.host.handshake.HandshakeTranscript;
import dev.persona.host.identity.Signatures;
import dev.persona.host.tools.ReminderDue;
import dev.persona.host.tools.ToolCallView;
import dev.persona.host.tools.ToolContext;
import dev.persona.host.tools.ToolLoop;
import dev.persona.llama.ChatCompletion;
import dev.persona.llama.ChatListener;
import dev.persona.llama.ChatRequest;
import dev.persona.llama.ChatRole;
import dev.persona.llama.ChatStream;
import dev.persona.llama.LlamaException;
import dev.persona.llama.TokenUsage;
import dev.persona.signaling.identity.KeyId;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A {@link ChatService} on fakes of its ports, and phones that talk to it as the protocol says (docs/protocol.md):
 * a model server whose answers the test writes token by token, conversations in memory, an admission rule the test
 * sets, a fixed clock and an executor that runs work at once, so every scenario is deterministic and takes
 * milliseconds.
 */
final class ChatFixture {

    static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
    static final String SYSTEM_PROMPT = "You are Ada, a helpful assistant.";
    private static final SecureRandom RANDOM = new SecureRandom();

    final FakeModel model = new FakeModel();
    final FakeConversations conversations = new FakeConversations();
    final List<ReminderDue> undelivered = new ArrayList<>();
    final List<Long> delivered = new ArrayList<>();
    /** The admission rule: by default every phone with a key is admitted as a paired device. */
    Function<byte[], Admission.Decision> admission = key -> new Admission.Decision(Admission.Outcome.ADMITTED,
            "paired", "Paired with the host.");
    final Map<String, UUID> devices = new HashMap<>();
    final ChatService chat;
    final HostedPersona persona;
    private final Ed25519PrivateKeyParameters personaKey = new Ed25519PrivateKeyParameters(RANDOM);

    ChatFixture(int queueLimit, int historyCharacters, int maxTokens) {
        this(queueLimit, historyCharacters, maxTokens, Runnable::run);
    }

    /** With the chat's executor given (the others run work at once). */
    ChatFixture(int queueLimit, int historyCharacters, int maxTokens, Executor executor) {
        ReminderInbox reminders = new ReminderInbox() {
            @Override
            public List<ReminderDue> undelivered(UUID deviceId) {
                return undelivered.stream().filter(r -> r.deviceId().equals(deviceId)).toList();
            }

            @Override
            public void delivered(long reminderId) {
                delivered.add(reminderId);
            }
        };
        // As DeviceTrust: an unknown key refused without a usable invite has no device (a null device id).
        PhoneAdmission admit = (personaId, key, invite, name) -> {
            Admission.Decision decision = admission.apply(key);
            UUID device = "unknown-device".equals(decision.code()) ? null
                    : devices.computeIfAbsent(Base64.getEncoder().encodeToString(key), k -> UUID.randomUUID());
            return new DeviceTrust.AdmissionResult(decision, device);
        };
        chat = new ChatService(new ChatPorts(model, conversations, admit, reminders, executor,
                Clock.fixed(NOW, ZoneOffset.UTC)), new ChatLimits(queueLimit, historyCharacters, maxTokens));
        byte[] personaPublic = personaKey.generatePublicKey().getEncoded();
        KeyId personaId = KeyId.of(personaPublic);
        persona = new HostedPersona(UUID.randomUUID(), "Ada", personaId, SYSTEM_PROMPT, (key, statement) -> {
            if (!Arrays.equals(key, personaPublic)) {
                throw new IllegalArgumentException("not this persona's key");
            }
            return sign(personaKey, statement);
        }, () -> personaId);
    }

    ChatFixture() {
        this(32, 3000, 512);
    }

    /** A phone with a key of its own, connected to the persona (its transport is open), before the handshake. */
    Phone connect(String name) {
        return new Phone(name);
    }

    /** The same phone (its key) connecting again. */
    Phone reconnect(Phone phone) {
        return new Phone(phone.name, phone.key);
    }

    /** A phone through the handshake, admitted. */
    Phone admitted(String name) {
        Phone phone = connect(name);
        JsonObject admitted = phone.handshake(null);
        assertEquals("admitted", admitted.getString("type"), admitted.toString());
        return phone;
    }

    private static byte[] sign(Ed25519PrivateKeyParameters key, byte[] statement) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        signer.update(statement, 0, statement.length);
        return signer.generateSignature();
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** One phone: its key, its transport, and what it heard. */
    final class Phone implements PhoneChannel {
        final String name;
        final Ed25519PrivateKeyParameters key;
        final KeyId id;
        final PhoneSession session;
        final List<JsonObject> heard = new ArrayList<>();
        final List<Boolean> proven = new ArrayList<>();
        boolean open = true;
        private int read;

        Phone(String name) {
            this(name, new Ed25519PrivateKeyParameters(RANDOM));
        }

        Phone(String name, Ed25519PrivateKeyParameters key) {
            this.name = name;
            this.key = key;
            this.id = KeyId.of(key.generatePublicKey().getEncoded());
            this.session = chat.connect(persona, id.toString());
            session.opened(this);
        }

        @Override
        public boolean send(String frame) {
            if (!open) {
                return false;
            }
            heard.add(Json.createReader(new StringReader(frame)).readObject());
            return true;
        }

        @Override
        public void proven(boolean admitted) {
            proven.add(admitted);
        }

        @Override
        public LiveSessions.Transport transport() {
            return LiveSessions.Transport.DATA_CHANNEL;
        }

        /** The host closes the transport: as the host peer does, the session then hears that it closed. */
        @Override
        public void close() {
            if (open) {
                open = false;
                session.closed();
            }
        }

        /** The phone goes away (closes the page): the transport tells the session. */
        void leave() {
            open = false;
            session.closed();
        }

        void say(String json) {
            session.received(json);
        }

        void chat(String turnId, UUID conversation, String text) {
            var message = Json.createObjectBuilder().add("type", "chat").add("id", turnId).add("text", text);
            if (conversation != null) {
                message.add("conversation", conversation.toString());
            }
            say(message.build().toString());
        }

        /** {@code hello}, checks the host's {@code welcome}, {@code proof}; returns the host's decision. */
        JsonObject handshake(String invite) {
            byte[] challenge = new byte[32];
            RANDOM.nextBytes(challenge);
            var hello = Json.createObjectBuilder().add("type", "hello").add("v", 1)
                    .add("host", persona.keyId().toString()).add("device", id.toString()).add("challenge",
                            b64(challenge)).add("name", name);
            if (invite != null) {
                hello.add("invite", invite);
            }
            say(hello.build().toString());
            JsonObject welcome = next();
            assertEquals("welcome", welcome.getString("type"), welcome.toString());
            byte[] hostChallenge = Base64.getUrlDecoder().decode(welcome.getString("challenge"));
            assertTrue(Signatures.verify(persona.keyId().publicKey(), HandshakeTranscript.hostStatement(
                    persona.keyId().toString(), id.toString(), challenge, hostChallenge),
                    Base64.getUrlDecoder().decode(welcome.getString("signature"))), "the host proves its key");
            say(Json.createObjectBuilder().add("type", "proof").add("signature", b64(sign(key,
                    HandshakeTranscript.phoneStatement(persona.keyId().toString(), id.toString(), challenge,
                            hostChallenge)))).build().toString());
            return next();
        }

        /** The next message the phone has not read yet. */
        JsonObject next() {
            if (read >= heard.size()) {
                fail(name + " heard nothing more; it heard " + heard);
            }
            return heard.get(read++);
        }

        /** The next message, which must be of {@code type}. */
        JsonObject expect(String type) {
            JsonObject message = next();
            assertEquals(type, message.getString("type"), name + ": " + message);
            return message;
        }

        /** Messages not read yet, read now. */
        List<JsonObject> rest() {
            List<JsonObject> rest = new ArrayList<>(heard.subList(read, heard.size()));
            read = heard.size();
            return rest;
        }

        UUID deviceId() {
            return session.deviceId();
        }
    }

    /** A model server whose streams the test drives. */
    static final class FakeModel implements ModelGateway {
        volatile int slots = 4;
        volatile int slotTokens = 1024;
        final List<FakeStream> streams = new ArrayList<>();
        /** When set, the next stream fails to start with it (no backend ready). */
        LlamaException refuseNext;
        /** When set, runs as each request is sent. */
        Runnable onStream = () -> { };
        /**
         * Runs with the turn's listener inside {@link #stream}, before it returns: the real connector's HTTP client
         * runs its callbacks inline, so a fast model's first events may come on the thread that sends the request.
         */
        Consumer<ChatListener> insideTheCall = listener -> { };

        @Override
        public int slots() {
            return slots;
        }

        @Override
        public int slotTokens() {
            return slotTokens;
        }

        @Override
        public String modelName() {
            return "fake-model";
        }

        @Override
        public ChatStream stream(ChatRequest request, ToolContext context, ChatListener listener,
                                 ToolLoop.Observer observer) throws LlamaException {
            if (refuseNext != null) {
                LlamaException refusal = refuseNext;
                refuseNext = null;
                throw refusal;
            }
            onStream.run();
            FakeStream stream = new FakeStream(request, context, listener);
            streams.add(stream);
            insideTheCall.accept(listener);
            return stream;
        }

        /** The streams running now (started, not ended, not cancelled): generating or waiting for a slot. */
        List<FakeStream> running() {
            return streams.stream().filter(s -> !s.isDone()).toList();
        }

        /**
         * What the person asked in the streams that have a slot, as llama-server gives them: the first
         * {@link #slots} running streams in the order they were sent; the others wait in its queue.
         */
        List<String> generating() {
            return running().stream().limit(slots).map(FakeStream::asked).toList();
        }

        /** What the person asked in the running streams that wait in the model server's queue for a slot. */
        List<String> queuedInServer() {
            return running().stream().skip(slots).map(FakeStream::asked).toList();
        }

        FakeStream last() {
            return streams.get(streams.size() - 1);
        }
    }

    /** One answer being "generated": the test sends its tokens and its end. */
    static final class FakeStream implements ChatStream {
        final ChatRequest request;
        final ToolContext context;
        final ChatListener listener;
        boolean cancelled;
        private boolean done;

        FakeStream(ChatRequest request, ToolContext context, ChatListener listener) {
            this.request = request;
            this.context = context;
            this.listener = listener;
        }

        FakeStream tokens(String... pieces) {
            for (String piece : pieces) {
                if (!done) {
                    listener.onToken(piece);
                }
            }
            return this;
        }

        void complete(int promptTokens, int completionTokens) {
            done = true;
            listener.onComplete(new ChatCompletion("", "stop", new TokenUsage(promptTokens, completionTokens), null,
                    "fake"));
        }

        void fail(String message) {
            done = true;
            listener.onError(new LlamaException(message));
        }

        /** The text of the request's last message (the person's new text). */
        String asked() {
            return request.messages().get(request.messages().size() - 1).content();
        }

        @Override
        public void cancel() {
            cancelled = true;
            done = true;
        }

        @Override
        public boolean isDone() {
            return done;
        }

        @Override
        public String backend() {
            return "fake";
        }

        @Override
        public CompletionStage<ChatCompletion> completion() {
            return new CompletableFuture<>();
        }
    }

    /** Conversations in memory, with the store's ownership rule. */
    static final class FakeConversations implements ConversationStore {
        record Message(ChatRole role, String text) {
        }

        final Map<UUID, UUID> owners = new LinkedHashMap<>();
        final Map<UUID, List<Message>> messages = new LinkedHashMap<>();

        /** The answers stored as they stream, by id: each answer's conversation; saved texts while answering. */
        final Map<UUID, UUID> answers = new LinkedHashMap<>();
        final Map<UUID, String> answering = new LinkedHashMap<>();

        /** Set, every read and write throws it, as the database does once a full disk closed it. */
        volatile RuntimeException broken;

        private void failIfBroken() {
            if (broken != null) {
                throw broken;
            }
        }

        @Override
        public synchronized UUID startTurn(UUID personaId, UUID deviceId, UUID conversationId, boolean isNew,
                                           String text) {
            failIfBroken();
            if (isNew) {
                owners.put(conversationId, deviceId);
                messages.put(conversationId, new ArrayList<>());
            } else {
                owned(conversationId, deviceId);
            }
            messages.get(conversationId).add(new Message(ChatRole.USER, text));
            UUID answerId = UUID.randomUUID();
            answers.put(answerId, conversationId);
            answering.put(answerId, "");
            return answerId;
        }

        @Override
        public synchronized void saveAnswer(UUID answerId, String text) {
            failIfBroken();
            answering.replace(answerId, text);
        }

        @Override
        public synchronized void finishAnswer(UUID answerId, String text) {
            failIfBroken();
            answering.remove(answerId);
            if (!text.isEmpty()) {
                messages.get(answers.get(answerId)).add(new Message(ChatRole.ASSISTANT, text));
            }
        }

        @Override
        public synchronized void discardAnswer(UUID answerId) {
            answering.remove(answerId);
        }

        /** All of them: the character limit is the store's own rule, tested with it (scenarios keep talks short). */
        @Override
        public synchronized List<StoredMessage> recent(UUID conversationId, UUID deviceId, int characters) {
            failIfBroken();
            return messages(conversationId, deviceId);
        }

        @Override
        public synchronized List<Conversation> list(UUID deviceId) {
            return owners.entrySet().stream().filter(e -> e.getValue().equals(deviceId))
                    .map(e -> conversation(e.getKey(), deviceId)).toList();
        }

        @Override
        public synchronized Conversation conversation(UUID conversationId, UUID deviceId) {
            owned(conversationId, deviceId);
            return new Conversation(conversationId, UUID.randomUUID(), deviceId,
                    messages.get(conversationId).get(0).text(), NOW);
        }

        @Override
        public synchronized List<StoredMessage> messages(UUID conversationId, UUID deviceId) {
            owned(conversationId, deviceId);
            List<StoredMessage> stored = new ArrayList<>();
            int sequence = 0;
            for (Message m : messages.get(conversationId)) {
                stored.add(new StoredMessage(conversationId, sequence++, m.role(), m.text(), NOW));
            }
            return stored;
        }

        @Override
        public List<ToolCallView> toolCalls(UUID conversationId) {
            return List.of();
        }

        @Override
        public synchronized void delete(UUID conversationId, UUID deviceId) {
            owned(conversationId, deviceId);
            owners.remove(conversationId);
            messages.remove(conversationId);
        }

        private void owned(UUID conversationId, UUID deviceId) {
            if (!deviceId.equals(owners.get(conversationId))) {
                throw new UnknownConversationException(conversationId);
            }
        }
    }
}

package dev.persona.host.protocol;

import java.io.StringReader;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.JsonbException;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;
import jakarta.json.bind.serializer.DeserializationContext;
import jakarta.json.bind.serializer.JsonbDeserializer;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;

/**
 * The chat protocol's messages (docs/protocol.md) as records, and the one JSON-B instance that writes and reads them.
 * What the host sends is a {@link ToPhone}: {@link #write} gives its JSON, {@code type} first and the fields in the
 * order of the protocol's test vectors (docs/vectors/protocol-vectors.json). What a phone sends is read in two steps:
 * {@link #read} checks that it is one JSON object with a string {@code type} (the session decides by the type and its
 * state what it takes), then {@link Received#as} binds it to its {@link FromPhone} record and checks its fields.
 * Every flaw is a {@link ProtocolException} whose message names the field.
 */
public final class Frames {

    /**
     * Thread-safe, made once. Strings and integers from a phone must be JSON strings and integral numbers: Yasson
     * would otherwise turn {@code 5} into {@code "5"} and {@code 1.5} into {@code 1}.
     */
    private static final Jsonb JSONB = JsonbBuilder.create(new JsonbConfig().withNullValues(false)
            .withDeserializers(new StrictString(), new StrictInteger()));

    /** Made once: {@code Json.createParser} would search the service loader on every call. */
    private static final JsonParserFactory PARSERS = Json.createParserFactory(Map.of());

    private Frames() {
    }

    /**
     * The JSON text of a message to the phone. {@code token} messages come this way too: at most one per turn each
     * 20 ms, and a quick run outside the server (JDK 17, Yasson 3.0.4, Parsson 1.1.7, load average 35, six rounds
     * of 200 000 frames) measured 0.5 to 6 µs per token message with this {@code Jsonb} against 160 to 400 µs with
     * the JSON-P builders it replaced ({@code Json.createObjectBuilder} looks the provider up on every call), so no
     * JSON-P path is kept for them.
     */
    public static String write(ToPhone frame) {
        return JSONB.toJson(frame);
    }

    /**
     * Reads a phone's message as far as its type. JSON-P's parser reads this envelope: it lets the session refuse
     * text after the object, which JSON-B's {@code fromJson} (and JSON-P's {@code readValue}) let pass. A phone's
     * message is small and this runs once per thing the person does, not per token.
     */
    public static Received read(String text) {
        JsonObject envelope;
        try (JsonParser parser = PARSERS.createParser(new StringReader(text))) {
            if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
                throw new ProtocolException("malformed", "A message must be a JSON object.");
            }
            envelope = parser.getObject();
            if (parser.hasNext()) {
                throw new ProtocolException("malformed", "A message must be one JSON object, with nothing after it.");
            }
        } catch (JsonException | IllegalStateException | NoSuchElementException e) {
            throw new ProtocolException("malformed", "A message must be JSON: " + e.getMessage());
        }
        if (!(envelope.get("type") instanceof JsonString type)) {
            throw new ProtocolException("malformed", "'type' must be a string.");
        }
        return new Received(type.getString(), envelope.get("id") instanceof JsonString id ? id.getString() : null,
                text);
    }

    /**
     * A phone's message whose {@code type} is read; {@link #as} reads the rest.
     *
     * @param id the message's {@code id} if it is a string, else null: a {@code chat}'s error carries it back
     */
    public record Received(String type, String id, String text) {

        /** The message as a {@code kind} (the record of its {@code type}), its fields checked. */
        public <T extends FromPhone> T as(Class<T> kind) {
            T frame;
            try {
                frame = JSONB.fromJson(text, kind);
            } catch (JsonbException e) {
                throw new ProtocolException(kind == Chat.class ? id : null, "malformed", "A '" + type
                        + "' message has a field of the wrong kind: " + e.getMessage());
            }
            frame.check();
            return frame;
        }
    }

    // ---- phone -> host ------------------------------------------------------------------------------------------

    /** A message a phone sends; {@link #check()} throws {@link ProtocolException} naming a missing or wrong field. */
    public sealed interface FromPhone permits Hello, Proof, Chat, Stop, HistoryRequest, Delete {
        void check();
    }

    /** {@code hello}: the handshake's first message (identity.md, section 6). */
    public record Hello(Integer v, String host, String device, String challenge, String invite, String name)
            implements FromPhone {
        @Override
        public void check() {
            if (v == null) {
                throw malformed("'v' must be an integer.");
            }
            required(host, "host");
            required(device, "device");
            required(challenge, "challenge");
        }
    }

    /** {@code proof}: the phone's signature over the handshake. */
    public record Proof(String signature) implements FromPhone {
        @Override
        public void check() {
            required(signature, "signature");
        }
    }

    /** {@code chat}: a new turn; {@code conversation} null starts a new conversation. */
    public record Chat(String id, String conversation, String text) implements FromPhone {
        @Override
        public void check() {
            checkTurnId(id);
            try {
                required(text, "text");
                conversationId();
            } catch (ProtocolException e) {
                throw new ProtocolException(id, e.code(), e.getMessage());
            }
        }

        /** The conversation the turn belongs to, or null for a new one. */
        public UUID conversationId() {
            return uuid(conversation);
        }
    }

    /** {@code stop}: stop the answer of turn {@code id}. */
    public record Stop(String id) implements FromPhone {
        @Override
        public void check() {
            checkTurnId(id);
        }
    }

    /** {@code history}: the phone's conversations, or one conversation's messages. */
    public record HistoryRequest(String conversation) implements FromPhone {
        @Override
        public void check() {
            conversationId();
        }

        /** The conversation asked for, or null for the list. */
        public UUID conversationId() {
            return uuid(conversation);
        }
    }

    /** {@code delete}: delete one of the phone's conversations. */
    public record Delete(String conversation) implements FromPhone {
        @Override
        public void check() {
            conversationId();
        }

        public UUID conversationId() {
            UUID id = uuid(conversation);
            if (id == null) {
                throw malformed("'conversation' is required.");
            }
            return id;
        }
    }

    // ---- host -> phone ------------------------------------------------------------------------------------------

    /** A message the host sends; its {@code type} comes first. */
    @JsonbTypeInfo(key = "type", value = {
            @JsonbSubtype(alias = "welcome", type = Welcome.class),
            @JsonbSubtype(alias = "waiting", type = Waiting.class),
            @JsonbSubtype(alias = "refused", type = Refused.class),
            @JsonbSubtype(alias = "admitted", type = Admitted.class),
            @JsonbSubtype(alias = "accepted", type = Accepted.class),
            @JsonbSubtype(alias = "queue", type = Queue.class),
            @JsonbSubtype(alias = "token", type = Token.class),
            @JsonbSubtype(alias = "done", type = Done.class),
            @JsonbSubtype(alias = "error", type = Failure.class),
            @JsonbSubtype(alias = "history", type = History.class),
            @JsonbSubtype(alias = "deleted", type = Deleted.class),
            @JsonbSubtype(alias = "tool", type = Tool.class),
            @JsonbSubtype(alias = "tool-result", type = ToolResult.class),
            @JsonbSubtype(alias = "reminder", type = Reminder.class)})
    public sealed interface ToPhone permits Welcome, Waiting, Refused, Admitted, Accepted, Queue, Token, Done, Failure,
            History, Deleted, Tool, ToolResult, Reminder {
    }

    /** {@code welcome}: the host's proof in the handshake. */
    @JsonbPropertyOrder({"host", "challenge", "signature"})
    public record Welcome(String host, String challenge, String signature) implements ToPhone {
    }

    /** {@code waiting}: the owner must approve this phone. */
    @JsonbPropertyOrder({"code", "reason"})
    public record Waiting(String code, String reason) implements ToPhone {
    }

    /** {@code refused}: the channel closes after it. */
    @JsonbPropertyOrder({"code", "reason"})
    public record Refused(String code, String reason) implements ToPhone {
    }

    /** {@code admitted}: what the phone shows, the persona's current key id and the longest text it may send. */
    @JsonbPropertyOrder({"code", "reason", "persona", "host", "model", "maxText", "protocol"})
    public record Admitted(String code, String reason, String persona, String host, String model, int maxText,
                           int protocol) implements ToPhone {
    }

    /** {@code accepted}: the turn has a slot or a place in line, in {@code conversation}. */
    @JsonbPropertyOrder({"id", "conversation"})
    public record Accepted(String id, UUID conversation) implements ToPhone {
    }

    /** {@code queue}: the turn waits; {@code position} 1 is next. */
    @JsonbPropertyOrder({"id", "position"})
    public record Queue(String id, int position) implements ToPhone {
    }

    /** {@code token}: the next piece of the answer. */
    @JsonbPropertyOrder({"id", "text"})
    public record Token(String id, String text) implements ToPhone {
    }

    /** {@code done}: the answer is complete or stopped, and stored; {@code usage} null when the server gave none. */
    @JsonbPropertyOrder({"id", "stopped", "usage", "timings"})
    public record Done(String id, boolean stopped, Usage usage, Timings timings) implements ToPhone {
    }

    @JsonbPropertyOrder({"promptTokens", "completionTokens"})
    public record Usage(int promptTokens, int completionTokens) {
    }

    /** Either may be null: no token came, or the server gave no speed. */
    @JsonbPropertyOrder({"firstTokenMs", "tokensPerSecond"})
    public record Timings(Long firstTokenMs, Double tokensPerSecond) {
    }

    /** {@code error}; {@code id} (null for none) when it concerns a turn. */
    @JsonbPropertyOrder({"id", "code", "message"})
    public record Failure(String id, String code, String message) implements ToPhone {
    }

    /** {@code history}: either the phone's {@code conversations} or one {@code conversation}; the other is null. */
    @JsonbPropertyOrder({"conversations", "conversation"})
    public record History(List<ConversationSummary> conversations, ConversationView conversation)
            implements ToPhone {
    }

    @JsonbPropertyOrder({"id", "title", "updated"})
    public record ConversationSummary(UUID id, String title, Instant updated) {
    }

    @JsonbPropertyOrder({"id", "title", "messages"})
    public record ConversationView(UUID id, String title, List<HistoryMessage> messages) {
    }

    /**
     * One message of a conversation: {@code role} {@code user} or {@code assistant}; {@code state} null when complete,
     * else {@code answering} or {@code interrupted}; {@code tools} null unless the answer called tools.
     */
    @JsonbPropertyOrder({"role", "text", "at", "state", "tools"})
    public record HistoryMessage(String role, String text, Instant at, String state, List<ToolCard> tools) {
    }

    /** A recorded tool call on its answer: the fields of {@code tool} and {@code tool-result} together. */
    @JsonbPropertyOrder({"name", "arguments", "outcome", "text", "ms"})
    public record ToolCard(String name, String arguments, String outcome, String text, long ms) {
    }

    /** {@code deleted}: the conversation is gone. */
    public record Deleted(UUID conversation) implements ToPhone {
    }

    /** {@code tool}: a tool call of turn {@code id} starts. */
    @JsonbPropertyOrder({"id", "call", "name", "arguments"})
    public record Tool(String id, String call, String name, String arguments) implements ToPhone {
    }

    /** {@code tool-result}: the call ended. */
    @JsonbPropertyOrder({"id", "call", "name", "outcome", "text", "ms"})
    public record ToolResult(String id, String call, String name, String outcome, String text, long ms)
            implements ToPhone {
    }

    /** {@code reminder}: a reminder the model set for this phone is due. */
    @JsonbPropertyOrder({"reminder", "text", "due"})
    public record Reminder(long reminder, String text, Instant due) implements ToPhone {
    }

    // ---- checks -------------------------------------------------------------------------------------------------

    private static ProtocolException malformed(String message) {
        return new ProtocolException("malformed", message);
    }

    private static void required(String value, String field) {
        if (value == null) {
            throw malformed("'" + field + "' must be a string.");
        }
    }

    private static void checkTurnId(String id) {
        required(id, "id");
        if (id.isEmpty() || id.length() > 64) {
            throw malformed("'id' must have 1 to 64 characters.");
        }
    }

    private static UUID uuid(String text) {
        if (text == null) {
            return null;
        }
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw malformed("'conversation' must be a conversation id (a UUID).");
        }
    }

    /** A JSON string or null, nothing else (Yasson's own reader takes numbers and booleans as strings too). */
    private static final class StrictString implements JsonbDeserializer<String> {
        @Override
        public String deserialize(JsonParser parser, DeserializationContext context, Type type) {
            JsonValue value = parser.getValue();
            if (value instanceof JsonString string) {
                return string.getString();
            }
            if (value == JsonValue.NULL) {
                return null;
            }
            throw new JsonbException("a string is expected, not " + kind(value));
        }
    }

    /** An integral JSON number in int's range or null (Yasson's own reader rounds 1.5 and reads "1"). */
    private static final class StrictInteger implements JsonbDeserializer<Integer> {
        @Override
        public Integer deserialize(JsonParser parser, DeserializationContext context, Type type) {
            JsonValue value = parser.getValue();
            if (value instanceof JsonNumber number && number.isIntegral()) {
                try {
                    return number.intValueExact();
                } catch (ArithmeticException e) {
                    throw new JsonbException("an integer is expected, not one this large");
                }
            }
            if (value == JsonValue.NULL) {
                return null;
            }
            throw new JsonbException("an integer is expected, not " + kind(value));
        }
    }

    private static String kind(JsonValue value) {
        return switch (value.getValueType()) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case TRUE, FALSE -> "a boolean";
            case NULL -> "null";
        };
    }
}

package dev.persona.signaling.registry;

import java.io.StringReader;
import java.util.Objects;

import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

/**
 * One PeerJS message as the registry relays it: {@code {type, src, dst, payload}}, where {@code src} is always set by
 * the server to the sender's registered id. {@code src}, {@code dst} and {@code payload} are null where a type has
 * none (OPEN has none of them; EXPIRE has no payload).
 *
 * <p>The payload is kept in the form it came in: as JSON text when a socket sent it (relayed to another socket, it
 * is written out again as the same text, never parsed into a tree), as a {@link JsonValue} when in-process code sent
 * it. Each form is made from the other at most once, when first asked for. Two messages are equal when their type,
 * ids and payload values are.
 */
public final class SignalingMessage {

    /** One lookup for the process: {@code Json.create*} would look the provider up on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();
    /** The quotes, keys, colons, commas and braces of a relayed frame around its four values. */
    private static final int FRAME_OVERHEAD_BYTES =
            "{\"type\":\"\",\"src\":\"\",\"dst\":\"\",\"payload\":}".length();

    private final MessageType type;
    private final String src;
    private final String dst;
    private volatile JsonValue payload;
    private volatile String payloadJson;

    /** A message whose payload is a JSON value (or null for none). */
    public SignalingMessage(MessageType type, String src, String dst, JsonValue payload) {
        this(type, src, dst, payload, null);
    }

    private SignalingMessage(MessageType type, String src, String dst, JsonValue payload, String payloadJson) {
        this.type = Objects.requireNonNull(type, "type");
        this.src = src;
        this.dst = dst;
        this.payload = payload;
        this.payloadJson = payloadJson;
    }

    /**
     * A message whose payload is JSON text as a client sent it (or null for none). The text must be one valid JSON
     * value: it is written out as it is.
     */
    public static SignalingMessage withPayloadJson(MessageType type, String src, String dst, String payloadJson) {
        return new SignalingMessage(type, src, dst, null, payloadJson);
    }

    /** A message of the server's own, with no source or destination. */
    public static SignalingMessage fromServer(MessageType type, JsonValue payload) {
        return new SignalingMessage(type, null, null, payload);
    }

    public MessageType type() {
        return type;
    }

    public String src() {
        return src;
    }

    public String dst() {
        return dst;
    }

    /** The payload as a JSON value (parsed from its text the first time), null for none. */
    public JsonValue payload() {
        JsonValue value = payload;
        if (value == null && payloadJson != null) {
            try (JsonReader reader = JSON.createReader(new StringReader(payloadJson))) {
                value = reader.readValue();
            }
            payload = value;
        }
        return value;
    }

    /** The payload as JSON text (written from its value the first time), null for none. */
    public String payloadJson() {
        String text = payloadJson;
        if (text == null && payload != null) {
            text = payload.toString();
            payloadJson = text;
        }
        return text;
    }

    /**
     * About the UTF-8 bytes of this message as a relayed frame ({@code {"type":…,"src":…,"dst":…,"payload":…}}):
     * what a waiting message is counted for in the registry's byte budgets. Written out once, not per relay.
     */
    public int relayedBytes() {
        long bytes = FRAME_OVERHEAD_BYTES + type.wireName().length() + utf8Length(src) + utf8Length(dst)
                + utf8Length(payloadJson());
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }

    /** UTF-8 length of {@code text} (0 for null); each half of a surrogate pair counts 2 of its 4 bytes. */
    public static long utf8Length(CharSequence text) {
        if (text == null) {
            return 0;
        }
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SignalingMessage message && type == message.type && Objects.equals(src, message.src)
                && Objects.equals(dst, message.dst) && Objects.equals(payload(), message.payload());
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, src, dst, payload());
    }

    @Override
    public String toString() {
        return "SignalingMessage[type=" + type + ", src=" + src + ", dst=" + dst + ", payload=" + payloadJson() + "]";
    }
}

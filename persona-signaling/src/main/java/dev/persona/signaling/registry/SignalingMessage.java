package dev.persona.signaling.registry;

import java.util.Objects;

import jakarta.json.JsonValue;

/**
 * One PeerJS message as the registry relays it: {@code {type, src, dst, payload}}, where {@code src} is always set by
 * the server to the sender's registered id. {@code src}, {@code dst} and {@code payload} are null where a type has
 * none (OPEN has none of them; EXPIRE has no payload).
 */
public record SignalingMessage(MessageType type, String src, String dst, JsonValue payload) {

    public SignalingMessage {
        Objects.requireNonNull(type, "type");
    }

    /** A message of the server's own, with no source or destination. */
    public static SignalingMessage fromServer(MessageType type, JsonValue payload) {
        return new SignalingMessage(type, null, null, payload);
    }
}

package dev.persona.peer;

import jakarta.json.JsonObject;

/**
 * How the host's answers reach the signaling registry for one of its ids: each call is one PeerJS message
 * {@code {type, dst, payload}} with that id as {@code src}. Called from the host peer's executor, in the order the
 * messages must arrive; it should not block for long.
 */
@FunctionalInterface
public interface SignalingLink {

    /**
     * Sends a message to the phone {@code dst}.
     *
     * @param type the PeerJS message type on the wire: {@code ANSWER} or {@code CANDIDATE}
     */
    void send(String type, String dst, JsonObject payload);
}

package dev.persona.signaling.registry;

import jakarta.json.JsonValue;

/**
 * A registered peer as its own connection sees it: what it sends goes out with its id as {@code src}. It stays
 * usable until {@link #leave()} or until the registry ends it (see {@link MessageSink#disconnected}); after that,
 * sending does nothing.
 */
public interface PeerConnection {

    /** The id this connection registered. */
    String id();

    /**
     * Relays a message to {@code dst} with this peer's id as {@code src}. A message for a peer that is not
     * connected waits for it (OFFER, ANSWER, CANDIDATE) or is dropped (LEAVE, EXPIRE).
     *
     * @param type one of the relayed types ({@link MessageType#isRelayed()})
     * @param payload the payload as the sender wrote it; null for none
     * @throws QueueLimitExceededException when {@code dst} is absent and the message would pass a limit on waiting
     *                                     messages (for {@code dst}, for this peer's source address, or in all)
     */
    void send(MessageType type, String dst, JsonValue payload) throws QueueLimitExceededException;

    /**
     * As {@link #send}, with the payload as JSON text, as a socket peer sent it: relayed to other sockets as it is,
     * without being parsed again. The caller has checked that it is one valid JSON value.
     */
    void sendJson(MessageType type, String dst, String payloadJson) throws QueueLimitExceededException;

    /** The peer is still there (any message it sends counts too). */
    void heartbeat();

    /** Ends the registration, if it is still this connection's. */
    void leave();

    /** Whether the id is still registered to this connection. */
    boolean isRegistered();
}

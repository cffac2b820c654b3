package dev.persona.host.chat;

/**
 * The relay WebSocket of one phone, as the chat sees it (the web module's endpoint implements it). Safe to use from
 * any thread; nothing here blocks.
 */
public interface RelaySocket {

    /**
     * Queues one text message for the phone; messages keep their order.
     *
     * @return false when the socket is closed (or closing) and the message was dropped
     */
    boolean send(String message);

    /**
     * Closes the socket after the messages queued before, with {@code reason} (at most 123 bytes of UTF-8, the
     * WebSocket limit); the transport then hears {@link RelayTransport#closed()}.
     *
     * @param violation whether the phone broke a rule of the relay (close code 1008) rather than the host ending
     *                  the session (1000)
     */
    void close(boolean violation, String reason);
}

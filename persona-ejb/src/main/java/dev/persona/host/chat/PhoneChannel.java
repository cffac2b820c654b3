package dev.persona.host.chat;

/**
 * The transport that carries one phone's chat, as the chat sees it: frames out, the handshake's outcome, and
 * closing. The data channel of the host peer ({@link PeerTransport}) or the relay WebSocket ({@link RelayTransport})
 * carries it; both deliver the same text frames in order. Safe to use from any thread; nothing here blocks.
 */
interface PhoneChannel {

    /**
     * Queues one text frame for the phone; frames keep their order.
     *
     * @return false when the channel is not open (not yet, or no longer) and the frame was dropped
     */
    boolean send(String frame);

    /**
     * The phone proved its key: the transport's limits on phones that have not may be lifted. With
     * {@code admitted}, the phone is an approved device now (called again with it when a waiting phone is approved).
     */
    void proven(boolean admitted);

    /** Which transport this is, for the console. */
    LiveSessions.Transport transport();

    /** Closes the channel; the session hears {@link PhoneSession#closed()} once the transport is done. */
    void close();
}

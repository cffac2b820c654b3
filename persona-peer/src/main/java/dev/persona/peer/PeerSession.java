package dev.persona.peer;

/**
 * One phone's open data channel to the host, as a chat service uses it. Safe to use from any thread; nothing here
 * blocks.
 */
public interface PeerSession {

    /** Who connected to which host id, and how. */
    ConnectionRequest request();

    /**
     * Queues a text message for the phone. A message above one frame goes out as chunk frames (see
     * {@code docs/host-peer.md}); messages keep their order. A phone that stops reading while more than 64 MiB wait
     * is disconnected ({@link SessionClosed.Reason#PHONE_TOO_SLOW}).
     *
     * @return false when the session is not open (not yet, or no longer) and the message was dropped
     */
    boolean send(String message);

    /**
     * The phone completed the handshake: the limits on unproven sessions (the handshake deadline, handshake-sized
     * frames, the count per address) no longer apply. With {@code admitted}, the phone is an approved device now:
     * the session leaves the strangers' budget. Call it again with {@code admitted} when a waiting phone is approved.
     */
    void proven(boolean admitted);

    /** Closes the data channel and the connection; the listener hears {@link SessionClosed.Reason#CLOSED_BY_HOST}. */
    void close();
}

package dev.persona.peer;

/**
 * What a chat service hears from one session. Calls for one session come one at a time, in order, on the host
 * peer's executor (never on WebRTC's own threads); a call may block briefly, but long work belongs elsewhere, as
 * the session's next events wait for it. {@link #onClose} comes exactly once, also when the channel never opened.
 */
public interface PeerSessionListener {

    /** The data channel is open: the session may send. */
    void onOpen(PeerSession session);

    /** A text message, reassembled if it came in chunks. */
    void onText(PeerSession session, String message);

    /** A binary frame (only with {@link Serialization#RAW}); the array is the listener's own copy. */
    void onBinary(PeerSession session, byte[] message);

    /**
     * A chunked message was malformed ({@code tooLarge} false) or broke a size limit ({@code tooLarge} true) and was
     * dropped; the session goes on. {@code reason} is fit to send back to the phone.
     */
    void onRejectedMessage(PeerSession session, boolean tooLarge, String reason);

    /** The session ended and its native resources are released; sending does nothing from now on. */
    void onClose(PeerSession session, SessionClosed closed);
}

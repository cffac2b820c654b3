package dev.persona.signaling.registry;

/**
 * Where the registry delivers a registered peer's messages: a WebSocket for a phone, or the host's own code for
 * an in-process peer. {@link #deliver} is called on the sending peer's thread and may be called by several threads
 * at once; it must hand the message on without blocking and keep each caller's order.
 */
public interface MessageSink {

    /** Hands {@code message} on to the peer; false when the peer is gone and the message was not taken. */
    boolean deliver(SignalingMessage message);

    /** The registry ended this peer's registration: no more messages follow. */
    void disconnected(Disconnect reason);
}

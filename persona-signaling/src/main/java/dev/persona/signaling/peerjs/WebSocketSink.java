package dev.persona.signaling.peerjs;

import java.io.IOException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.persona.signaling.registry.Disconnect;
import dev.persona.signaling.registry.MessageSink;
import dev.persona.signaling.registry.MessageType;
import dev.persona.signaling.registry.SignalingMessage;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

/**
 * Sends one peer's messages over its WebSocket: any thread may deliver, frames go out one asynchronous send at a
 * time in delivery order, and a close waits for the frames before it (so ERROR arrives before the close). A peer
 * that lets {@value #MAX_UNSENT} frames pile up unsent is too slow to keep: it is closed and counts as gone.
 */
final class WebSocketSink implements MessageSink {

    static final int MAX_UNSENT = 1024;
    private static final Logger LOG = Logger.getLogger(WebSocketSink.class.getName());

    private final Session session;
    /** Frames to send: text, or a {@link CloseReason} that ends the queue. */
    private final Queue<Object> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger unsent = new AtomicInteger();
    /** Serializes draining: only the caller that raises it from 0 drains; the others leave their work counted. */
    private final AtomicInteger drainRequests = new AtomicInteger();
    private volatile boolean sendInFlight;
    private volatile boolean closing;

    WebSocketSink(Session session) {
        this.session = session;
    }

    @Override
    public boolean deliver(SignalingMessage message) {
        if (closing || !session.isOpen()) {
            return false;
        }
        if (unsent.get() >= MAX_UNSENT) {
            LOG.info(() -> "Closed a peer that left " + MAX_UNSENT + " messages unread; it is too slow to keep.");
            closing = true;
            closeSession(new CloseReason(CloseCodes.VIOLATED_POLICY, "Too many unsent messages"));
            return false;
        }
        enqueueText(PeerJsJson.write(message));
        return true;
    }

    @Override
    public void disconnected(Disconnect reason) {
        switch (reason) {
            case REPLACED -> sendAndClose(PeerJsJson.withText(MessageType.ERROR, reason.message()),
                    CloseCodes.VIOLATED_POLICY);
            case SILENT -> close(new CloseReason(CloseCodes.GOING_AWAY, "No heartbeat"));
        }
    }

    /** Sends {@code message} after any frames already queued, then closes; later deliveries are refused. */
    void sendAndClose(SignalingMessage message, CloseReason.CloseCode code) {
        enqueueText(PeerJsJson.write(message));
        close(new CloseReason(code, ""));
    }

    /** Closes after the frames already queued; later deliveries are refused. */
    void close(CloseReason reason) {
        closing = true;
        outbox.add(reason);
        drain();
    }

    private void enqueueText(String text) {
        unsent.incrementAndGet();
        outbox.add(text);
        drain();
    }

    private void drain() {
        if (drainRequests.getAndIncrement() != 0) {
            return;
        }
        int requests = 1;
        do {
            while (!sendInFlight) {
                Object next = outbox.poll();
                if (next == null) {
                    break;
                }
                if (next instanceof CloseReason reason) {
                    outbox.clear();
                    closeSession(reason);
                    return; // drainRequests stays above zero: nothing is sent after a close
                }
                sendInFlight = true;
                try {
                    session.getAsyncRemote().sendText((String) next, this::sent);
                } catch (RuntimeException socketGone) {
                    LOG.log(Level.FINE, "Could not send to a closed peer socket.", socketGone);
                    closing = true;
                    outbox.clear();
                    return;
                }
            }
            requests = drainRequests.addAndGet(-requests);
        } while (requests != 0);
    }

    private void sent(SendResult result) {
        unsent.decrementAndGet();
        if (!result.isOK()) {
            LOG.log(Level.FINE, "A send to a peer failed; the peer counts as gone.", result.getException());
            closing = true;
            outbox.clear();
        }
        sendInFlight = false;
        drain();
    }

    private void closeSession(CloseReason reason) {
        try {
            session.close(reason);
        } catch (IOException | RuntimeException alreadyClosed) {
            LOG.log(Level.FINE, "Closing a peer socket failed; it is closed anyway.", alreadyClosed);
        }
    }
}

package dev.persona.web.relay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.persona.host.chat.ChatHost;
import dev.persona.host.chat.RelaySocket;
import dev.persona.host.chat.RelayTransport;
import dev.persona.signaling.identity.KeyId;
import dev.persona.signaling.peerjs.UpgradedSockets;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

/**
 * One phone's relay socket: each whole text message goes to the chat's {@link RelayTransport}, and what the chat
 * sends goes out one asynchronous send at a time, in order (nothing here blocks, so it may run on the I/O thread).
 * A phone that leaves {@value #MAX_UNSENT} messages unsent is too slow to keep and is closed. The socket accepts
 * whole messages of up to the host peer's {@code persona.peer.max.message.bytes}; the container closes it (1009)
 * on a larger one.
 */
public final class RelayEndpoint extends Endpoint implements RelaySocket {

    static final String PATH = "/relay";
    static final int MAX_UNSENT = 4096;
    private static final Logger LOG = Logger.getLogger(RelayEndpoint.class.getName());

    private final ChatHost chat;
    private final UpgradedSockets<Connection> sockets;
    private volatile String phoneId;
    private final Queue<Object> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger unsent = new AtomicInteger();
    private final AtomicInteger drainRequests = new AtomicInteger();
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private volatile Session session;
    private volatile RelayTransport transport;
    private volatile boolean closing;

    /** What the filter knows of one connection: the host and phone it names, and its source address. */
    record Connection(String hostId, String phoneId, String address) {
    }

    RelayEndpoint(ChatHost chat, UpgradedSockets<Connection> sockets) {
        this.chat = chat;
        this.sockets = sockets;
    }

    /** The host id in a path below {@value #PATH} ({@code /<hostId>}), or null when it is not one. */
    static String hostId(String pathInfo) {
        if (pathInfo == null || !pathInfo.startsWith("/")) {
            return null;
        }
        String id = pathInfo.substring(1);
        return isKeyId(id) ? id : null;
    }

    /** Whether {@code text} has the form of a key id (so it is safe in the log before the handshake proves it). */
    static boolean isKeyId(String text) {
        if (text == null) {
            return false;
        }
        try {
            KeyId.parse(text);
            return true;
        } catch (IllegalArgumentException notAKeyId) {
            return false;
        }
    }

    @Override
    public void onOpen(Session opened, EndpointConfig config) {
        Connection connection = sockets.opened(opened);
        if (connection == null) {
            return;
        }
        this.phoneId = connection.phoneId();
        this.session = opened;
        opened.setMaxTextMessageBufferSize(chat.relayMaxMessageBytes());
        opened.setMaxBinaryMessageBufferSize(1024);
        opened.addMessageHandler(String.class, (MessageHandler.Whole<String>) this::onText);
        opened.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) data -> onBinary());
        transport = chat.relay(connection.hostId(), phoneId, connection.address(), this).orElse(null);
    }

    private void onText(String message) {
        RelayTransport current = transport;
        if (current != null && !closing) {
            current.received(message);
        }
    }

    private void onBinary() {
        RelayTransport current = transport;
        if (current != null && !closing) {
            current.receivedBinary();
        }
    }

    @Override
    public void onClose(Session closed, CloseReason reason) {
        sockets.closed(closed);
        closing = true;
        RelayTransport current = transport;
        if (current != null) {
            current.closed();
        }
    }

    @Override
    public void onError(Session failed, Throwable error) {
        LOG.log(Level.FINE, "Relay socket error for phone " + phoneId, error);
    }

    @Override
    public boolean send(String message) {
        Session current = session;
        if (closing || current == null || !current.isOpen()) {
            return false;
        }
        if (unsent.incrementAndGet() > MAX_UNSENT) {
            LOG.info(() -> "Closed the relay socket of phone " + phoneId + ": it left " + MAX_UNSENT
                    + " messages unread and is too slow to keep.");
            close(true, "Too many unsent messages");
            return false;
        }
        outbox.add(message);
        drain();
        return true;
    }

    @Override
    public void close(boolean violation, String reason) {
        if (closing) {
            return;
        }
        closing = true;
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        String fitting = bytes.length <= 123 ? reason : new String(bytes, 0, 123, StandardCharsets.UTF_8);
        outbox.add(new CloseReason(violation ? CloseCodes.VIOLATED_POLICY : CloseCodes.NORMAL_CLOSURE, fitting));
        drain();
    }

    /** Sends the next queued message when no send is in flight; only one caller drains at a time. */
    private void drain() {
        if (drainRequests.getAndIncrement() > 0) {
            return;
        }
        do {
            if (!inFlight.get()) {
                Object next = outbox.poll();
                if (next instanceof CloseReason reason) {
                    outbox.clear();
                    closeNow(reason);
                } else if (next != null) {
                    inFlight.set(true);
                    try {
                        session.getAsyncRemote().sendText((String) next, this::sent);
                    } catch (RuntimeException gone) {
                        inFlight.set(false);
                        outbox.clear();
                    }
                }
            }
        } while (drainRequests.decrementAndGet() > 0);
    }

    private void sent(SendResult result) {
        unsent.decrementAndGet();
        inFlight.set(false);
        if (!result.isOK()) {
            LOG.log(Level.FINE, "A relay send to phone " + phoneId + " failed", result.getException());
            outbox.clear();
            closeNow(new CloseReason(CloseCodes.GOING_AWAY, "Send failed"));
            return;
        }
        drain();
    }

    private void closeNow(CloseReason reason) {
        try {
            session.close(reason);
        } catch (IOException | IllegalStateException alreadyGone) {
            LOG.log(Level.FINE, "Relay socket of phone " + phoneId + " was gone already", alreadyGone);
        }
    }
}

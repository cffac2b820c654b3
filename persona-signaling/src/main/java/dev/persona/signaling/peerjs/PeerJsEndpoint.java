package dev.persona.signaling.peerjs;

import java.nio.ByteBuffer;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.persona.signaling.SignalingServer;
import dev.persona.signaling.registry.MessageType;
import dev.persona.signaling.registry.PeerConnection;
import dev.persona.signaling.registry.QueueLimitExceededException;
import dev.persona.signaling.registry.SignalingMessage;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCode;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;

/**
 * The PeerJS server socket at {@value #PATH}, one instance per connection: admits the peer (see
 * {@link PeerJsAdmission}), then reads its JSON frames, enforcing the size and rate limits, and relays them through
 * the registry with {@code src} set to the peer's id. A peer that breaks a rule gets ERROR and is closed; the others
 * are not affected. Each instance takes the source address of its connection from {@link UpgradedSockets} as it
 * opens, which {@link PeerJsUpgrade} (the way to put it on the web) took from the upgrade request.
 */
public final class PeerJsEndpoint extends Endpoint {

    /** The socket path under the application root; the peerjs client's {@code path} option is then {@code "/"}. */
    public static final String PATH = "/peerjs";
    private static final Logger LOG = Logger.getLogger(PeerJsEndpoint.class.getName());

    private final SignalingServer server;
    private final UpgradedSockets<String> sockets;
    private WebSocketSink sink;
    private PeerConnection connection;
    private MessageRate rate;
    private StringBuilder partialText;
    private long partialBytes;
    private boolean closing;

    PeerJsEndpoint(SignalingServer server, UpgradedSockets<String> sockets) {
        this.server = server;
        this.sockets = sockets;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        String source = sockets.opened(session);
        if (source == null) {
            return;
        }
        sink = new WebSocketSink(session);
        try {
            connection = new PeerJsAdmission(server).admit(session.getRequestParameterMap(), source, sink);
        } catch (PeerJsRefusal refusal) {
            server.refusals().refused("Refused a peer connection: " + refusal.getMessage());
            closing = true;
            sink.sendAndClose(PeerJsJson.withText(refusal.type(), refusal.getMessage()), refusal.closeCode());
            return;
        }
        rate = new MessageRate(server.settings().messagesPerSecond(), System.nanoTime());
        session.addMessageHandler(String.class, (MessageHandler.Partial<String>) this::onText);
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) this::onBinary);
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        sockets.closed(session);
        if (connection != null) {
            connection.leave();
        }
    }

    @Override
    public void onError(Session session, Throwable error) {
        LOG.log(Level.FINE, "Peer socket error" + (connection == null ? "" : " for " + connection.id()), error);
    }

    private void onText(String part, boolean last) {
        if (closing) {
            return;
        }
        partialBytes += SignalingMessage.utf8Length(part);
        if (partialBytes > server.settings().maxMessageBytes()) {
            violation("Message too large: more than " + server.settings().maxMessageBytes() + " bytes.",
                    CloseCodes.TOO_BIG);
            return;
        }
        if (!last) {
            if (partialText == null) {
                partialText = new StringBuilder();
            }
            partialText.append(part);
            return;
        }
        String text = partialText == null ? part : partialText.append(part).toString();
        partialText = null;
        partialBytes = 0;
        if (!rate.tryTake(System.nanoTime())) {
            violation("Too many messages: more than " + server.settings().messagesPerSecond() + " per second.",
                    CloseCodes.VIOLATED_POLICY);
            return;
        }
        PeerJsJson.ClientMessage message;
        try {
            message = PeerJsJson.read(text);
        } catch (PeerJsJson.MalformedMessageException malformed) {
            violation(malformed.getMessage(), CloseCodes.VIOLATED_POLICY);
            return;
        }
        handle(message);
    }

    private void handle(PeerJsJson.ClientMessage message) {
        MessageType type = MessageType.byWireName(message.type());
        if (type == null || !type.isRelayed() || message.dst() == null) {
            if (type == MessageType.LEAVE) {
                // LEAVE without a destination: the peer leaves the server (peerjs removes it).
                closing = true;
                connection.leave();
                sink.close(new CloseReason(CloseCodes.NORMAL_CLOSURE, "Left"));
                return;
            }
            // HEARTBEAT, types this server does not know, and relayed types without dst: peerjs ignores them too.
            connection.heartbeat();
            return;
        }
        try {
            connection.sendJson(type, message.dst(), message.payloadJson());
        } catch (QueueLimitExceededException full) {
            violation(full.getMessage(), full.limit() == QueueLimitExceededException.Limit.SERVER
                    ? CloseCodes.TRY_AGAIN_LATER : CloseCodes.VIOLATED_POLICY);
        }
    }

    private void onBinary(ByteBuffer part, boolean last) {
        if (!closing) {
            violation("Binary messages are not part of the PeerJS protocol; send JSON text.",
                    CloseCodes.CANNOT_ACCEPT);
        }
    }

    private void violation(String message, CloseCode code) {
        server.refusals().refused("Closed peer " + connection.id() + ": " + message);
        closing = true;
        partialText = null;
        connection.leave();
        sink.sendAndClose(PeerJsJson.withText(MessageType.ERROR, message), code);
    }
}

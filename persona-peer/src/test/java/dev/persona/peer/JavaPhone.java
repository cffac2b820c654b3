package dev.persona.peer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelBuffer;
import dev.onvoid.webrtc.RTCDataChannelInit;
import dev.onvoid.webrtc.RTCDataChannelState;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import jakarta.json.Json;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

/**
 * A phone in Java that behaves like peerjs 1.5.5's offering side: it creates the data channel (label = connection
 * id), sends OFFER with peerjs's payload, trickles its candidates at once, applies ANSWER and CANDIDATE, and speaks
 * the host's chunk format. Received frames are recorded, whole messages queued.
 */
final class JavaPhone implements AutoCloseable {

    private static final JsonBuilderFactory JSON = Json.createBuilderFactory(Map.of());

    final String id;
    final String connectionId = "dc_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    final CompletableFuture<Long> opened = new CompletableFuture<>();
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    final Queue<Integer> frameSizes = new ConcurrentLinkedQueue<>();
    final Queue<Boolean> frameIsBinary = new ConcurrentLinkedQueue<>();

    private final PeerConnectionFactory factory;
    private final InMemorySignaling signaling;
    private final SerialExecutor events;
    private final ChunkReassembler reassembler = new ChunkReassembler(64 * 1024 * 1024);
    private final AtomicLong nextMessageId = new AtomicLong();
    private final List<RTCIceCandidate> earlyCandidates = new ArrayList<>();
    private String serialization;
    private boolean answered;
    private RTCPeerConnection connection;
    private RTCDataChannel channel;

    JavaPhone(String id, PeerConnectionFactory factory, InMemorySignaling signaling, Executor executor) {
        this.id = id;
        this.factory = factory;
        this.signaling = signaling;
        this.events = new SerialExecutor(executor);
        signaling.register(id, (type, src, payload) -> events.execute(() -> receive(type, payload)));
    }

    /** Offers a data connection to {@code hostId}, like {@code peer.connect(hostId, options)}. */
    void connect(String hostId, String serialization, boolean reliable, JsonValue metadata) {
        this.serialization = serialization;
        connection = factory.createPeerConnection(new RTCConfiguration(), new PeerConnectionObserver() {
            @Override
            public void onIceCandidate(RTCIceCandidate candidate) {
                signaling.relay("CANDIDATE", id, hostId, PeerjsPayloads.candidate(candidate, connectionId));
            }
        });
        RTCDataChannelInit init = new RTCDataChannelInit();
        init.ordered = reliable;
        channel = connection.createDataChannel(connectionId, init);
        channel.registerObserver(NativeCallbacks.channelObserver(events, this::stateChanged,
                (arrived, frame, binary) -> received(frame, binary)));
        connection.createOffer(new RTCOfferOptions(), new CreateSessionDescriptionObserver() {
            @Override
            public void onSuccess(RTCSessionDescription offer) {
                connection.setLocalDescription(offer, whenSet(() -> signaling.relay("OFFER", id, hostId,
                        offerPayload(offer.sdp, reliable, metadata))));
            }

            @Override
            public void onFailure(String error) {
                opened.completeExceptionally(new IllegalStateException("createOffer: " + error));
            }
        });
    }

    /** Sends a text message in the host's chunk format, as text frames ("raw") or UTF-8 binary frames ("json"). */
    void send(String message) throws Exception {
        for (byte[] frame : MessageFrames.split(message, nextMessageId.getAndIncrement())) {
            sendFrame(frame, "json".equals(serialization));
        }
    }

    void sendFrame(byte[] frame, boolean binary) throws Exception {
        channel.send(new RTCDataChannelBuffer(ByteBuffer.wrap(frame), binary));
    }

    /** Leaves the signaling server, as {@code peer.destroy()} tells the host. */
    void leave(String hostId) {
        signaling.relay("LEAVE", id, hostId, null);
    }

    @Override
    public synchronized void close() {
        signaling.unregister(id);
        NativeCallbacks.close(channel, connection);
        channel = null;
        connection = null;
        closed.complete(null);
    }

    private JsonObject offerPayload(String sdp, boolean reliable, JsonValue metadata) {
        JsonObjectBuilder payload = JSON.createObjectBuilder()
                .add("sdp", JSON.createObjectBuilder().add("type", "offer").add("sdp", sdp))
                .add("type", "data")
                .add("connectionId", connectionId)
                .add("label", connectionId)
                .add("reliable", reliable)
                .add("serialization", serialization);
        if (metadata != null) {
            payload.add("metadata", metadata);
        }
        return payload.build();
    }

    private synchronized void receive(String type, JsonValue payload) {
        if (connection == null) {
            return;
        }
        switch (type) {
            case "ANSWER" -> connection.setRemoteDescription(new RTCSessionDescription(RTCSdpType.ANSWER,
                            payload.asJsonObject().getJsonObject("sdp").getString("sdp")),
                    whenSet(() -> events.execute(this::answered)));
            case "CANDIDATE" -> {
                RTCIceCandidate candidate = PeerjsPayloads.readCandidate(payload);
                if (answered) {
                    connection.addIceCandidate(candidate);
                } else {
                    earlyCandidates.add(candidate);
                }
            }
            default -> throw new IllegalStateException("The phone got an unexpected " + type + ".");
        }
    }

    private synchronized void answered() {
        if (connection == null) {
            return;
        }
        answered = true;
        earlyCandidates.forEach(connection::addIceCandidate);
        earlyCandidates.clear();
    }

    private synchronized void stateChanged() {
        RTCDataChannelState state = channel == null ? RTCDataChannelState.CLOSED : channel.getState();
        if (state == RTCDataChannelState.OPEN) {
            opened.complete(System.nanoTime());
        } else if (state == RTCDataChannelState.CLOSED) {
            closed.complete(null);
        }
    }

    private void received(byte[] frame, boolean binary) {
        frameSizes.add(frame.length);
        frameIsBinary.add(binary);
        String text = new String(frame, StandardCharsets.UTF_8);
        if (!MessageFrames.isChunk(text)) {
            messages.add(text);
            return;
        }
        try {
            reassembler.add(text).ifPresent(messages::add);
        } catch (InvalidChunkException e) {
            messages.add("rejected by the phone: " + e.getMessage());
        }
    }

    private SetSessionDescriptionObserver whenSet(Runnable next) {
        return NativeCallbacks.whenSet(Runnable::run, next, error -> opened.completeExceptionally(
                new IllegalStateException("The phone could not apply a description: " + error)));
    }
}

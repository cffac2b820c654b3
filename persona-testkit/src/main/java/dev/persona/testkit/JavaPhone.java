package dev.persona.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
import dev.persona.peer.NativeCallbacks;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import dev.persona.signaling.identity.IdProof;
import dev.persona.signaling.identity.KeyId;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A phone written in Java that does what the phone page does with stock peerjs 1.5.5, over the real network paths:
 * an Ed25519 identity of its own, a proven key id on the host's signaling (WSS, trusting only the host's CA), a
 * peerjs data connection ({@code serialization: "raw"}, {@code reliable: true}) offered from a webrtc-java
 * {@link RTCPeerConnection} with candidates trickled both ways, the handshake of docs/identity.md section 6, and
 * the chat protocol of docs/protocol.md with the chunk format of docs/host-peer.md section 3.
 *
 * <p>The key lives as long as the object, so one phone can pair once and connect again later; {@link #connect}
 * opens a fresh signaling socket and data channel each time, {@link #disconnect} tears them down as a closed tab
 * would (data channel, then peer connection, then the socket). Every message the host sends is queued with the
 * time it arrived. One {@link PeerConnectionFactory} serves every phone of the JVM; {@link #disposeFactory} ends it
 * once every phone is closed (docs/host-peer.md section 4 gives the order).
 */
public final class JavaPhone implements AutoCloseable {

    /** A message from the host and when it arrived ({@link System#nanoTime()}). */
    public record Received(long at, String text, JsonObject message) {
        public String type() {
            return message == null ? "(not JSON)" : message.getString("type", "(no type)");
        }

        @Override
        public String toString() {
            return text.length() > 300 ? text.substring(0, 300) + "…(" + text.length() + " chars)" : text;
        }
    }

    /** What one chat turn brought, in order, up to its {@code done} or {@code error}. */
    public record Turn(String id, List<Received> messages) {
        public Received last() {
            return messages.get(messages.size() - 1);
        }

        public List<Received> ofType(String type) {
            return messages.stream().filter(m -> m.type().equals(type)).toList();
        }

        public String answer() {
            StringBuilder text = new StringBuilder();
            ofType("token").forEach(token -> text.append(token.message().getString("text")));
            return text.toString();
        }
    }

    static final int MAX_FRAME_BYTES = 16_000;
    static final String CHUNK_PREFIX = "{\"type\":\"chunk\",";
    private static final int MAX_CHUNK_DATA_BYTES = MAX_FRAME_BYTES - 96;
    /** Stop handing frames to libwebrtc while this much waits in its queue (it closes the channel at 16 MiB). */
    private static final long MAX_BUFFERED_BYTES = 1024 * 1024;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(40);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern CANDIDATE_FRAGMENT = Pattern.compile(" ufrag (\\S+)");
    private static final ScheduledExecutorService HEARTBEATS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "java-phone-heartbeats");
        thread.setDaemon(true);
        return thread;
    });

    private static HeadlessAudioDeviceModule audio;
    private static PeerConnectionFactory factory;
    private static final List<JavaPhone> LIVE = new CopyOnWriteArrayList<>();

    public final String name;
    final Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(RANDOM);
    public final KeyId id = KeyId.of(key.generatePublicKey().getEncoded());
    private final PersonaHost host;
    private final HttpClient https;
    private final ExecutorService events;

    private Connection connection;
    /** The proof signature this phone sent in its latest handshake (for the replay test). */
    private String lastProofSignature;

    public JavaPhone(PersonaHost host, String name) throws Exception {
        this.host = host;
        this.name = name;
        this.https = HttpClient.newBuilder().sslContext(host.trustingOnlyTheHostCa())
                .connectTimeout(Duration.ofSeconds(10)).build();
        this.events = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "java-phone-" + name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The factory every phone of this JVM shares: made once, with the headless audio module. */
    private static synchronized PeerConnectionFactory factory() {
        if (factory == null) {
            audio = new HeadlessAudioDeviceModule();
            factory = new PeerConnectionFactory(audio);
        }
        return factory;
    }

    /**
     * A real offer for a peerjs data connection, made by a peer connection of this JVM that is closed at once: what a
     * sender of bare OFFERs (no ICE, no channel) puts in each of them.
     */
    public static String dataChannelOfferSdp() throws Exception {
        CompletableFuture<String> sdp = new CompletableFuture<>();
        RTCPeerConnection peer;
        synchronized (JavaPhone.class) {
            peer = factory().createPeerConnection(new RTCConfiguration(), new PeerConnectionObserver() {
                @Override
                public void onIceCandidate(RTCIceCandidate candidate) {
                }
            });
        }
        RTCDataChannelInit init = new RTCDataChannelInit();
        init.ordered = true;
        RTCDataChannel channel = peer.createDataChannel("dc_offer", init);
        peer.createOffer(new RTCOfferOptions(), new CreateSessionDescriptionObserver() {
            @Override
            public void onSuccess(RTCSessionDescription offer) {
                sdp.complete(offer.sdp);
            }

            @Override
            public void onFailure(String error) {
                sdp.completeExceptionally(new IllegalStateException("createOffer: " + error));
            }
        });
        try {
            return sdp.get(30, TimeUnit.SECONDS);
        } finally {
            channel.close();
            try {
                channel.dispose();
            } catch (Error stillReferenced) {
                // The peer connection drops its reference when it closes, right below.
            }
            peer.close();
        }
    }

    /** Closes every phone still connected, then the factory and its audio module, in that order. */
    public static synchronized void disposeFactory() {
        LIVE.forEach(JavaPhone::close);
        if (factory != null) {
            factory.dispose();
            audio.dispose();
            factory = null;
            audio = null;
        }
    }

    /**
     * Fails unless this JVM runs in the network namespace of {@code scripts/loopback-namespace} (only loopback
     * addresses, and 127.0.0.2 on a veth so that libwebrtc gathers a candidate): no WebRTC packet may leave.
     */
    public static void requireLoopbackNetwork() throws SocketException {
        boolean veth = false;
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                assertTrue(address.isLoopbackAddress() || address.isLinkLocalAddress(), "The WebRTC tests must not "
                        + "see a real network, but " + nic.getName() + " has " + address.getHostAddress() + ". Run "
                        + "them through the failsafe execution 'loopback-network' (scripts/loopback-namespace).");
                veth |= !nic.isLoopback() && "127.0.0.2".equals(address.getHostAddress());
            }
        }
        assertTrue(veth, "No veth carries 127.0.0.2, so libwebrtc would gather no ICE candidate. Run the test "
                + "through the failsafe execution 'loopback-network' (scripts/loopback-namespace).");
    }

    String origin() {
        return "https://127.0.0.1:" + host.httpsPort;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Connecting

    /**
     * Signs in to the host's signaling with a fresh proof, offers a data connection to {@code hostId} and waits
     * until the channel is open.
     *
     * @return milliseconds from the OFFER to the open channel
     */
    public long connect(String hostId) throws Exception {
        if (connection != null) {
            throw new IllegalStateException(name + " is already connected; disconnect() first.");
        }
        connection = new Connection(hostId, true);
        LIVE.add(this);
        return connection.open();
    }

    /**
     * Offers a data connection to {@code hostId} as a phone the host cannot reach does: it signs in and sends its
     * offer but neither sends nor takes ICE candidates, so no path is ever found. Returns once the offer is on its
     * way; the host gives up after its connect timeout.
     */
    public void offerWithoutPath(String hostId) throws Exception {
        if (connection != null) {
            throw new IllegalStateException(name + " is already connected; disconnect() first.");
        }
        connection = new Connection(hostId, false);
        LIVE.add(this);
        connection.offer();
    }

    public boolean connected() {
        return connection != null && connection.channelOpen();
    }

    /**
     * Whether the host answered this phone's offer (within {@code timeout}): all that a phone without a path
     * ({@link #offerWithoutPath}) hears of the host.
     */
    public boolean answered(Duration timeout) throws InterruptedException {
        try {
            current().answerArrived.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(name + " failed before an answer came", e.getCause());
        }
    }

    /**
     * Closes the data connection as a phone that goes away does: the data channel, then the peer connection, then
     * the signaling socket (without LEAVE, as when a tab is closed or the network drops).
     */
    public synchronized void disconnect() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
        LIVE.remove(this);
    }

    @Override
    public void close() {
        disconnect();
    }

    /** Whether the host closed the data channel (within {@code timeout}). */
    public boolean closedByHost(Duration timeout) throws InterruptedException {
        Connection current = connection;
        if (current == null) {
            return true;
        }
        try {
            current.channelClosed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Sending

    /** Sends one protocol message: one text frame, or chunk frames when it is long or looks like a chunk. */
    public void send(String message) throws Exception {
        for (String frame : frames(message, current().nextChunkId.getAndIncrement())) {
            sendFrame(frame);
        }
    }

    public void send(JsonObject message) throws Exception {
        send(message.toString());
    }

    /** Sends one text frame exactly as given (no chunking). */
    public void sendFrame(String frame) throws Exception {
        current().sendFrame(frame.getBytes(StandardCharsets.UTF_8), false);
    }

    /** Sends one binary frame. */
    public void sendBinaryFrame(byte[] frame) throws Exception {
        current().sendFrame(frame, true);
    }

    /**
     * The frames of the chunk format (docs/host-peer.md section 3): a message of at most 16 000 UTF-8 bytes that
     * does not start like a chunk is one frame; any other becomes {@code {"type":"chunk","id","index","count",
     * "data"}} frames of at most 16 000 bytes, cut between code points.
     */
    public static List<String> frames(String message, long chunkId) {
        if (message.getBytes(StandardCharsets.UTF_8).length <= MAX_FRAME_BYTES && !message.startsWith(CHUNK_PREFIX)) {
            return List.of(message);
        }
        List<String> pieces = new ArrayList<>();
        int start = 0;
        int bytes = 0;
        for (int at = 0; at < message.length(); ) {
            int codePoint = message.codePointAt(at);
            int cost = escapedUtf8Length(codePoint);
            if (bytes + cost > MAX_CHUNK_DATA_BYTES) {
                pieces.add(message.substring(start, at));
                start = at;
                bytes = 0;
            }
            bytes += cost;
            at += Character.charCount(codePoint);
        }
        pieces.add(message.substring(start));
        List<String> frames = new ArrayList<>(pieces.size());
        for (int index = 0; index < pieces.size(); index++) {
            // Parsson keeps the keys in this order and writes no spaces: JSON.stringify({type, id, index, count, data}).
            frames.add(Json.createObjectBuilder().add("type", "chunk").add("id", chunkId).add("index", index)
                    .add("count", pieces.size()).add("data", pieces.get(index)).build().toString());
        }
        return frames;
    }

    private static int escapedUtf8Length(int codePoint) {
        if (codePoint == '"' || codePoint == '\\') {
            return 2;
        }
        if (codePoint < 0x20) {
            return 6;
        }
        if (codePoint < 0x80) {
            return 1;
        }
        if (codePoint < 0x800) {
            return 2;
        }
        if (codePoint >= 0xd800 && codePoint <= 0xdfff) {
            return 6;
        }
        return codePoint < 0x10000 ? 3 : 4;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Receiving

    /** The next message from the host, or a failure that says what came before and what the host logged. */
    public Received next(Duration timeout) throws InterruptedException {
        Connection current = current();
        Received message = current.inbox.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (message == null) {
            throw new AssertionError(name + " got no message from the host within " + timeout + "; it got before: "
                    + tail(current.history) + "; data channel " + current.channelState() + ".\n--- server.log ---\n"
                    + host.serverLogTail());
        }
        return message;
    }

    /** The next message, which must be of {@code type}. */
    public Received expect(String type, Duration timeout) throws InterruptedException {
        Received message = next(timeout);
        assertEquals(type, message.type(), name + " expected '" + type + "' but got " + message);
        return message;
    }

    /** The next message, which must be an {@code error} with {@code code}. */
    public Received expectError(String code, Duration timeout) throws InterruptedException {
        Received message = expect("error", timeout);
        assertEquals(code, message.message().getString("code", null), name + ": " + message);
        assertTrue(!message.message().getString("message", "").isBlank(), "an error says why: " + message);
        return message;
    }

    /** Messages until one matches (included), failing after {@code timeout} in all. */
    public List<Received> until(Predicate<Received> last, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Received> messages = new ArrayList<>();
        while (true) {
            long left = deadline - System.nanoTime();
            Received message = next(Duration.ofNanos(Math.max(left, 0)));
            messages.add(message);
            if (last.test(message)) {
                return messages;
            }
        }
    }

    /** Nothing arrives for {@code quiet}: returns what did arrive (empty when the host stayed silent). */
    public List<Received> drain(Duration quiet) throws InterruptedException {
        List<Received> messages = new ArrayList<>();
        Received message;
        while ((message = current().inbox.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null) {
            messages.add(message);
        }
        return messages;
    }

    /** Every message this connection received so far, in order (also those already taken). */
    public List<Received> history() {
        return List.copyOf(current().history);
    }

    // ---------------------------------------------------------------------------------------------------------
    // The protocol

    /**
     * The handshake of docs/identity.md section 6 on the open channel: {@code hello}, check the host's
     * {@code welcome} signature against {@code hostId}'s key, {@code proof}; returns the host's decision
     * ({@code admitted}, {@code waiting}, {@code refused}, or an {@code error}).
     */
    public Received handshake(String hostId, String invite) throws Exception {
        return handshake(hostId, invite, null);
    }

    /**
     * The handshake, sending {@code replayedSignature} as the proof instead of a signature over this channel's
     * statement when it is not null.
     */
    public Received handshake(String hostId, String invite, String replayedSignature) throws Exception {
        return handshake(hostId, invite, replayedSignature, true);
    }

    /**
     * The handshake; with {@code awaitDecision} false it returns right after sending the proof (null), for a test
     * that then watches what the host does.
     */
    public Received handshake(String hostId, String invite, String replayedSignature, boolean awaitDecision)
            throws Exception {
        byte[] phoneChallenge = new byte[32];
        RANDOM.nextBytes(phoneChallenge);
        JsonObjectBuilder hello = Json.createObjectBuilder().add("type", "hello").add("v", 1).add("host", hostId)
                .add("device", id.toString()).add("challenge", base64url(phoneChallenge));
        if (invite != null) {
            hello.add("invite", invite);
        } else {
            hello.addNull("invite");
        }
        send(hello.add("name", "JavaPhone " + name).build());

        Received welcome = next(Duration.ofSeconds(30));
        if (!"welcome".equals(welcome.type())) {
            return welcome;
        }
        assertEquals(hostId, welcome.message().getString("host"), "the host answers for the id the QR code named");
        byte[] hostChallenge = Base64.getUrlDecoder().decode(welcome.message().getString("challenge"));
        assertEquals(32, hostChallenge.length, "the host's challenge has 32 bytes");
        byte[] hostSignature = Base64.getUrlDecoder().decode(welcome.message().getString("signature"));
        assertTrue(verify(KeyId.parse(hostId).publicKey(),
                        statement("host", hostId, id.toString(), phoneChallenge, hostChallenge), hostSignature),
                "the host's welcome signature verifies with the key of " + hostId);

        String signature = replayedSignature != null ? replayedSignature
                : base64url(sign(statement("phone", hostId, id.toString(), phoneChallenge, hostChallenge)));
        lastProofSignature = signature;
        send(Json.createObjectBuilder().add("type", "proof").add("signature", signature).build());
        return awaitDecision ? next(Duration.ofSeconds(30)) : null;
    }

    /** Connects and passes the handshake as an approved phone. */
    public void connectAndAdmit(String hostId) throws Exception {
        connect(hostId);
        Received decision = handshake(hostId, null);
        assertEquals("admitted", decision.type(), name + " is admitted: " + decision);
    }

    public String lastProofSignature() {
        return lastProofSignature;
    }

    /** Sends a new turn; {@code conversation} null starts a new conversation. */
    public void chat(String turnId, String conversation, String text) throws Exception {
        JsonObjectBuilder chat = Json.createObjectBuilder().add("type", "chat").add("id", turnId);
        if (conversation == null) {
            chat.addNull("conversation");
        } else {
            chat.add("conversation", conversation);
        }
        send(chat.add("text", text).build());
    }

    public void stop(String turnId) throws Exception {
        send(Json.createObjectBuilder().add("type", "stop").add("id", turnId).build());
    }

    /** Messages of turn {@code turnId} up to its {@code done} or {@code error}; other messages fail the test. */
    public Turn turnUntilEnd(String turnId, Duration timeout) throws InterruptedException {
        List<Received> messages = until(m -> ("done".equals(m.type()) || "error".equals(m.type())), timeout);
        for (Received message : messages) {
            assertEquals(turnId, message.message().getString("id", null), name + ": a message of another turn "
                    + "or none: " + message);
        }
        return new Turn(turnId, messages);
    }

    /**
     * The statement each side signs (docs/identity.md section 6): six lines joined by "\n", no trailing newline.
     * Written here from the spec rather than taken from the host's code, so the test checks the spec.
     */
    public static byte[] statement(String role, String hostId, String phoneId, byte[] phoneChallenge, byte[] hostChallenge) {
        return String.join("\n", "persona-handshake-v1", role, hostId, phoneId, base64url(phoneChallenge),
                base64url(hostChallenge)).getBytes(StandardCharsets.UTF_8);
    }

    private byte[] sign(byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    private static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }

    public static String base64url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private Connection current() {
        Connection current = connection;
        if (current == null) {
            throw new IllegalStateException(name + " is not connected.");
        }
        return current;
    }

    private static String tail(List<Received> messages) {
        List<Received> last = messages.subList(Math.max(0, messages.size() - 8), messages.size());
        return (messages.size() > last.size() ? "… " : "") + last;
    }

    // ---------------------------------------------------------------------------------------------------------

    /** One connection: the signaling socket, the peer connection and its data channel. */
    private final class Connection implements WebSocket.Listener {

        final String hostId;
        final String connectionId = "dc_" + Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
        final BlockingQueue<Received> inbox = new LinkedBlockingQueue<>();
        final List<Received> history = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> signedIn = new CompletableFuture<>();
        final CompletableFuture<Long> channelOpened = new CompletableFuture<>();
        final CompletableFuture<Void> channelClosed = new CompletableFuture<>();
        final CompletableFuture<Void> answerArrived = new CompletableFuture<>();
        final AtomicLong nextChunkId = new AtomicLong();
        private final StringBuilder partialSocketText = new StringBuilder();
        private final List<RTCIceCandidate> earlyCandidates = new ArrayList<>();
        private final Map<Long, String[]> partialMessages = new HashMap<>();
        private final List<String> signalingErrors = new CopyOnWriteArrayList<>();
        private final Object socketLock = new Object();
        private WebSocket socket;
        private ScheduledFuture<?> heartbeat;
        private RTCPeerConnection peer;
        private RTCDataChannel channel;
        private boolean answered;
        private volatile boolean closed;
        /** False for a phone without a path to the host: no candidate is sent or applied. */
        private final boolean exchangeCandidates;

        Connection(String hostId, boolean exchangeCandidates) {
            this.hostId = hostId;
            this.exchangeCandidates = exchangeCandidates;
        }

        /** Offers, then waits until the channel is open; returns milliseconds from the offer to the open channel. */
        long open() throws Exception {
            long offered = offer();
            long opened = await(channelOpened, "the data channel to open (offer " + connectionId + ")");
            return TimeUnit.NANOSECONDS.toMillis(opened - offered);
        }

        /** Signs in and sends the offer; returns when it was made ({@link System#nanoTime()}). */
        long offer() throws Exception {
            String token = IdProof.sign(key, origin(), Instant.now().getEpochSecond(), IdProof.newNonce(RANDOM))
                    .token();
            URI uri = URI.create("wss://127.0.0.1:" + host.httpsPort + "/peerjs?key=peerjs&id=" + id + "&token="
                    + token + "&version=1.5.5");
            socket = https.newWebSocketBuilder().buildAsync(uri, this).get(30, TimeUnit.SECONDS);
            await(signedIn, "OPEN from the signaling server");
            heartbeat = HEARTBEATS.scheduleAtFixedRate(() -> signal(Json.createObjectBuilder()
                    .add("type", "HEARTBEAT").build()), 5, 5, TimeUnit.SECONDS);

            long offered;
            synchronized (this) {
                peer = factory().createPeerConnection(new RTCConfiguration(), new PeerConnectionObserver() {
                    @Override
                    public void onIceCandidate(RTCIceCandidate candidate) {
                        // peerjs trickles every candidate at once.
                        if (exchangeCandidates) {
                            events.execute(() -> sendCandidate(candidate));
                        }
                    }
                });
                RTCDataChannelInit init = new RTCDataChannelInit();
                init.ordered = true;   // peerjs: {ordered: !!reliable}
                channel = peer.createDataChannel(connectionId, init);
                channel.registerObserver(NativeCallbacks.channelObserver(events, Connection.this::stateChanged,
                        Connection.this::received));
                offered = System.nanoTime();
                peer.createOffer(new RTCOfferOptions(), new CreateSessionDescriptionObserver() {
                    @Override
                    public void onSuccess(RTCSessionDescription offer) {
                        events.execute(() -> applyOffer(offer));
                    }

                    @Override
                    public void onFailure(String error) {
                        channelOpened.completeExceptionally(new IllegalStateException("createOffer: " + error));
                    }
                });
            }
            return offered;
        }

        private synchronized void applyOffer(RTCSessionDescription offer) {
            if (closed) {
                return;
            }
            peer.setLocalDescription(offer, whenSet(() -> signal(Json.createObjectBuilder().add("type", "OFFER")
                    .add("dst", hostId)
                    .add("payload", Json.createObjectBuilder()
                            .add("sdp", Json.createObjectBuilder().add("type", "offer").add("sdp", offer.sdp))
                            .add("type", "data")
                            .add("connectionId", connectionId)
                            .add("label", connectionId)
                            .addNull("metadata")
                            .add("reliable", true)
                            .add("serialization", "raw"))
                    .build())));
        }

        private void sendCandidate(RTCIceCandidate candidate) {
            JsonObjectBuilder init = Json.createObjectBuilder().add("candidate", candidate.sdp)
                    .add("sdpMid", candidate.sdpMid).add("sdpMLineIndex", candidate.sdpMLineIndex);
            Matcher fragment = CANDIDATE_FRAGMENT.matcher(candidate.sdp);
            if (fragment.find()) {
                init.add("usernameFragment", fragment.group(1));
            } else {
                init.addNull("usernameFragment");
            }
            signal(Json.createObjectBuilder().add("type", "CANDIDATE").add("dst", hostId)
                    .add("payload", Json.createObjectBuilder().add("candidate", init).add("type", "data")
                            .add("connectionId", connectionId))
                    .build());
        }

        /** One socket message at a time: the JDK's WebSocket refuses a send while the previous one is pending. */
        private void signal(JsonObject message) {
            synchronized (socketLock) {
                if (closed) {
                    return;
                }
                try {
                    socket.sendText(message.toString(), true).get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    signalingErrors.add("sending " + message.getString("type") + ": " + e);
                }
            }
        }

        // Signaling from the server, on the HTTP client's threads: parse, then continue on the phone's thread.

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partialSocketText.append(data);
            if (last) {
                String text = partialSocketText.toString();
                partialSocketText.setLength(0);
                events.execute(() -> signaling(Json.createReader(new StringReader(text)).readObject()));
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            signedIn.completeExceptionally(new IllegalStateException("the signaling socket closed: " + statusCode
                    + " " + reason + " " + signalingErrors));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            signedIn.completeExceptionally(error);
            signalingErrors.add(error.toString());
        }

        private synchronized void signaling(JsonObject message) {
            String type = message.getString("type", "");
            switch (type) {
                case "OPEN" -> signedIn.complete(null);
                case "ERROR", "ID-TAKEN" -> {
                    String why = type + " " + message.get("payload");
                    signalingErrors.add(why);
                    signedIn.completeExceptionally(new IllegalStateException(why));
                    channelOpened.completeExceptionally(new IllegalStateException(why));
                }
                case "ANSWER" -> {
                    answerArrived.complete(null);
                    if (closed) {
                        return;
                    }
                    JsonObject payload = message.getJsonObject("payload");
                    peer.setRemoteDescription(new RTCSessionDescription(RTCSdpType.ANSWER,
                            payload.getJsonObject("sdp").getString("sdp")), whenSet(this::answered));
                }
                case "CANDIDATE" -> {
                    if (closed || !exchangeCandidates) {
                        return;
                    }
                    JsonObject candidate = message.getJsonObject("payload").getJsonObject("candidate");
                    RTCIceCandidate ice = new RTCIceCandidate(candidate.getString("sdpMid", ""),
                            candidate.getInt("sdpMLineIndex", 0), candidate.getString("candidate"));
                    if (answered) {
                        peer.addIceCandidate(ice);
                    } else {
                        earlyCandidates.add(ice);
                    }
                }
                default -> signalingErrors.add("unexpected " + message);
            }
        }

        private synchronized void answered() {
            if (closed) {
                return;
            }
            answered = true;
            earlyCandidates.forEach(peer::addIceCandidate);
            earlyCandidates.clear();
        }

        // The data channel.

        private synchronized void stateChanged() {
            if (channel == null) {
                return;
            }
            RTCDataChannelState state = channel.getState();
            if (state == RTCDataChannelState.OPEN) {
                channelOpened.complete(System.nanoTime());
            } else if (state == RTCDataChannelState.CLOSING || state == RTCDataChannelState.CLOSED) {
                channelClosed.complete(null);
                channelOpened.completeExceptionally(new IllegalStateException("the data channel closed before it "
                        + "opened"));
            }
        }

        synchronized boolean channelOpen() {
            return channel != null && channel.getState() == RTCDataChannelState.OPEN;
        }

        synchronized String channelState() {
            return channel == null ? "gone" : channel.getState().toString();
        }

        private void received(long at, byte[] frame, boolean binary) {
            String text = new String(frame, StandardCharsets.UTF_8);
            if (binary) {
                deliver(at, "(binary frame from the host) " + text);
                return;
            }
            if (!text.startsWith(CHUNK_PREFIX)) {
                deliver(at, text);
                return;
            }
            JsonObject chunk = Json.createReader(new StringReader(text)).readObject();
            long chunkId = chunk.getJsonNumber("id").longValueExact();
            int count = chunk.getInt("count");
            String[] pieces = partialMessages.computeIfAbsent(chunkId, k -> new String[count]);
            pieces[chunk.getInt("index")] = chunk.getString("data");
            for (String piece : pieces) {
                if (piece == null) {
                    return;
                }
            }
            partialMessages.remove(chunkId);
            deliver(at, String.join("", pieces));
        }

        private void deliver(long at, String text) {
            JsonObject message = null;
            try {
                JsonValue value = Json.createReader(new StringReader(text)).readValue();
                if (value instanceof JsonObject object && object.get("type") instanceof JsonString) {
                    message = object;
                }
            } catch (RuntimeException notJson) {
                // kept as text; the test fails on it with what came
            }
            Received received = new Received(at, text, message);
            history.add(received);
            inbox.add(received);
        }

        public void sendFrame(byte[] frame, boolean binary) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                synchronized (this) {
                    if (closed || channel == null) {
                        throw new IllegalStateException(name + "'s connection is closed.");
                    }
                    if (channel.getBufferedAmount() < MAX_BUFFERED_BYTES) {
                        channel.send(new RTCDataChannelBuffer(ByteBuffer.wrap(frame), binary));
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException(name + ": the data channel's send queue did not drain in 60 s.");
                }
                Thread.sleep(5);   // webrtc-java 0.14 does not report the queue draining
            }
        }

        /** The data channel and the peer connection ({@link NativeCallbacks#close}); then the socket. */
        void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                if (heartbeat != null) {
                    heartbeat.cancel(false);
                }
                NativeCallbacks.close(channel, peer);
                channel = null;
                peer = null;
            }
            channelClosed.complete(null);
            if (socket != null) {
                socket.abort();
            }
        }

        private SetSessionDescriptionObserver whenSet(Runnable next) {
            // On the phone's own thread: never wait for a lock on the native one.
            return NativeCallbacks.whenSet(events, next, error -> channelOpened.completeExceptionally(
                    new IllegalStateException(name + " could not apply a description: " + error)));
        }

        private <T> T await(CompletableFuture<T> future, String what) throws Exception {
            try {
                return future.get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                throw new AssertionError(name + " waited in vain for " + what + " (" + e + "); signaling: "
                        + signalingErrors + ".\n--- server.log ---\n" + host.serverLogTail(), e);
            }
        }
    }
}

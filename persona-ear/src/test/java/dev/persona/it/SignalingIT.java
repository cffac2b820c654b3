package dev.persona.it;

import dev.persona.testkit.Directories;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.persona.signaling.identity.IdProof;
import dev.persona.signaling.identity.KeyId;
import dev.persona.testkit.PersonaHost;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The PeerJS signaling of the deployed EAR over real WSS on the application's HTTPS port: key-proven ids, relay
 * with the server-set src, forged and replayed proofs refused, REST calls, and the limits per source address against
 * a flood from one address while phones on another keep working. (The full protocol is tested in persona-signaling
 * against an embedded container; this proves the wiring in WildFly.) The normal peers connect from 127.0.0.1; each
 * flood comes from an address of its own in 127.0.0.0/8 ({@link BoundWebSocket}), so the tests do not share limits.
 */
class SignalingIT {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int PEERS_PER_SOURCE = 4;
    private static final int PROOFS_PER_SOURCE = 30;
    private static final int QUEUED_BYTES_PER_SOURCE = 65_536;
    private static final int QUEUED_BYTES = 3 * QUEUED_BYTES_PER_SOURCE;
    /** The payload of a parked OFFER: 3 fit in the bytes one source may park, a 4th does not. */
    private static final int PARKED_SDP_CHARS = 20_000;
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static PersonaHost host;
    private static HttpClient https;
    private static String origin;

    @BeforeAll
    static void startHost() throws Exception {
        host = new PersonaHost(Path.of("target/it-data/signaling").toAbsolutePath())
                .with("PERSONA_SIGNALING_PEERS_PER_SOURCE", Integer.toString(PEERS_PER_SOURCE))
                .with("PERSONA_SIGNALING_PROOFS_PER_SOURCE", Integer.toString(PROOFS_PER_SOURCE))
                .with("PERSONA_SIGNALING_QUEUED_BYTES_PER_SOURCE", Integer.toString(QUEUED_BYTES_PER_SOURCE))
                .with("PERSONA_SIGNALING_QUEUED_BYTES", Integer.toString(QUEUED_BYTES))
                // Parked messages stay for the whole test instead of expiring after 5 s on a slow machine.
                .with("PERSONA_SIGNALING_EXPIRE_TIMEOUT_MS", "120000");
        Directories.deleteRecursively(host.dataDirectory);
        host.start();
        https = HttpClient.newBuilder().sslContext(host.trustingOnlyTheHostCa()).connectTimeout(Duration.ofSeconds(5))
                .build();
        origin = "https://127.0.0.1:" + host.httpsPort;
    }

    @AfterAll
    static void stopHost() throws Exception {
        PersonaHost.tearDown(host).run();
    }

    /** A phone-like peer: an Ed25519 key, its key id, a WebSocket to /peerjs. */
    static final class Peer implements WebSocket.Listener {
        final Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(RANDOM);
        final KeyId id = KeyId.of(key.generatePublicKey().getEncoded());
        final BlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;
        /** OFFERs this peer parked for absent ids. */
        int parked;

        String token(long timestamp) {
            return IdProof.sign(key, origin, timestamp, IdProof.newNonce(RANDOM)).token();
        }

        String freshToken() {
            return token(Instant.now().getEpochSecond());
        }

        /** Connects from {@code localAddress} (a loopback address other than 127.0.0.1) with a fresh proof. */
        BoundWebSocket connectFrom(String localAddress) throws Exception {
            return BoundWebSocket.connect(host.trustingOnlyTheHostCa(), localAddress, host.httpsPort,
                    "/peerjs?key=peerjs&id=" + id + "&token=" + URLEncoder.encode(freshToken(), StandardCharsets.UTF_8)
                            + "&version=1.5.5");
        }

        void connect(String token) {
            connectAs(id, token);
        }

        void connectAs(KeyId claimedId, String token) {
            URI uri = URI.create("wss://127.0.0.1:" + host.httpsPort + "/peerjs?key=peerjs&id=" + claimedId
                    + "&token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&version=1.5.5");
            socket = https.newWebSocketBuilder().buildAsync(uri, this).join();
        }

        JsonObject next() throws InterruptedException {
            JsonObject message = received.poll(10, TimeUnit.SECONDS);
            assertNotNull(message, "no signaling message within 10 s");
            return message;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(Json.createReader(new StringReader(partial.toString())).readObject());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }
    }

    @Test
    void provenPeersOpenAndRelayWithTheServerSettingSrc() throws Exception {
        Peer a = new Peer();
        a.connect(a.token(Instant.now().getEpochSecond()));
        Peer b = new Peer();
        b.connect(b.token(Instant.now().getEpochSecond()));
        assertEquals("OPEN", a.next().getString("type"));
        assertEquals("OPEN", b.next().getString("type"));

        a.socket.sendText(Json.createObjectBuilder().add("type", "OFFER").add("dst", b.id.toString())
                .add("src", "someone-else").add("payload", Json.createObjectBuilder().add("sdp", "x")).build()
                .toString(), true).join();

        JsonObject offer = b.next();
        assertEquals("OFFER", offer.getString("type"));
        assertEquals(a.id.toString(), offer.getString("src"), "src is the sender's proven id, not what it claimed");
        assertEquals("x", offer.getJsonObject("payload").getString("sdp"));
        a.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        b.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
    }

    @Test
    void expiredProofIsRefused() throws Exception {
        Peer late = new Peer();
        late.connect(late.token(Instant.now().minusSeconds(3600).getEpochSecond()));
        JsonObject error = late.next();
        assertEquals("ERROR", error.getString("type"), error.toString());
        late.closed.get(10, TimeUnit.SECONDS);
    }

    @Test
    void forgedProofIsRefusedWithAClearError() throws Exception {
        Peer victim = new Peer();
        Peer attacker = new Peer();
        // The attacker signs with its own key but claims the victim's id.
        String forged = attacker.token(Instant.now().getEpochSecond());
        attacker.connectAs(victim.id, forged);

        JsonObject error = attacker.next();
        assertEquals("ERROR", error.getString("type"), error.toString());
        assertTrue(error.getJsonObject("payload").getString("msg").toLowerCase().contains("signature"), error.toString());
        attacker.closed.get(10, TimeUnit.SECONDS);
    }

    @Test
    void replayedProofIsRefused() throws Exception {
        Peer first = new Peer();
        String token = first.token(Instant.now().getEpochSecond());
        first.connect(token);
        assertEquals("OPEN", first.next().getString("type"));
        first.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        first.closed.get(10, TimeUnit.SECONDS);

        Peer replay = new Peer();
        replay.connectAs(first.id, token);
        JsonObject error = replay.next();
        assertEquals("ERROR", error.getString("type"), error.toString());
        assertTrue(error.getJsonObject("payload").getString("msg").toLowerCase().contains("replay")
                || error.getJsonObject("payload").getString("msg").toLowerCase().contains("used"), error.toString());
    }

    @Test
    void restCallsAnswerAsPeerjsExpectsAndDiscoveryIsOff() throws Exception {
        HttpResponse<String> id = https.send(HttpRequest.newBuilder(URI.create(origin + "/peerjs/id")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, id.statusCode(), id.body());
        assertTrue(id.body().matches("[0-9a-f-]{36}"), id.body());
        HttpResponse<String> peers = https.send(HttpRequest.newBuilder(URI.create(origin + "/peerjs/peers")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, peers.statusCode());
    }

    @Test
    void oneAddressOpensPeersUpToItsLimitAndAnotherStillConnects() throws Exception {
        List<BoundWebSocket> flood = new ArrayList<>();
        try {
            for (int i = 0; i < PEERS_PER_SOURCE; i++) {
                BoundWebSocket socket = new Peer().connectFrom("127.0.0.2");
                flood.add(socket);
                assertEquals("OPEN", type(nextFrame(socket)), "peer " + (i + 1) + " of " + PEERS_PER_SOURCE);
            }
            BoundWebSocket refused = new Peer().connectFrom("127.0.0.2");
            flood.add(refused);
            JsonObject error = nextFrame(refused);
            assertEquals("ERROR", type(error), "peer " + (PEERS_PER_SOURCE + 1) + " from one address: " + error);
            assertTrue(message(error).startsWith("Too many peers from this address: at most " + PEERS_PER_SOURCE),
                    error.toString());
            assertEquals(1013, refused.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS));

            Peer phone = new Peer();
            phone.connect(phone.freshToken());
            assertEquals("OPEN", phone.next().getString("type"), "a peer from another address still connects");
            phone.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        } finally {
            for (BoundWebSocket socket : flood) {
                socket.close();
            }
        }
    }

    @Test
    void oneAddressMakesProofsUpToItsLimitAndAnotherStillProves() throws Exception {
        for (int i = 0; i < PROOFS_PER_SOURCE; i++) {
            try (BoundWebSocket socket = new Peer().connectFrom("127.0.0.3")) {
                assertEquals("OPEN", type(nextFrame(socket)), "proof " + (i + 1) + " of " + PROOFS_PER_SOURCE);
                socket.send("{\"type\":\"LEAVE\"}");
                assertEquals(1000, socket.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            }
        }
        try (BoundWebSocket refused = new Peer().connectFrom("127.0.0.3")) {
            JsonObject error = nextFrame(refused);
            assertEquals("ERROR", type(error), "proof " + (PROOFS_PER_SOURCE + 1) + " from one address: " + error);
            assertTrue(message(error).startsWith("Too many recent proofs from this address"), error.toString());
            assertEquals(1013, refused.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
        Peer phone = new Peer();
        phone.connect(phone.freshToken());
        assertEquals("OPEN", phone.next().getString("type"), "a proof from another address is still taken");
        phone.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
    }

    @Test
    void parkedBytesAreBoundedPerAddressAndInAllWhileOthersStillPark() throws Exception {
        // One address parks OFFERs for absent ids until it is refused: 3 of them fit in its bytes, not 4.
        int parkedByFirst = parkUntilRefused("127.0.0.4", "Too many bytes waiting for peers that are not connected, "
                + "sent from this address", 1008);
        assertEquals(QUEUED_BYTES_PER_SOURCE / PARKED_SDP_CHARS, parkedByFirst,
                "OFFERs of " + PARKED_SDP_CHARS + " characters parked from one address");

        // A phone on another address still parks a message for an absent peer, which gets it after its OPEN.
        Peer phone = new Peer();
        phone.connect(phone.freshToken());
        assertEquals("OPEN", phone.next().getString("type"));
        Peer absent = new Peer();
        phone.socket.sendText(offer(absent.id, "parked-for-later"), true).join();
        phone.socket.sendText(offer(phone.id, "handled"), true).join();
        assertEquals("handled", phone.next().getJsonObject("payload").getString("sdp"), "the OFFER before was parked");
        absent.connect(absent.freshToken());
        assertEquals("OPEN", absent.next().getString("type"));
        JsonObject delivered = absent.next();
        assertEquals("OFFER", delivered.getString("type"), delivered.toString());
        assertEquals("parked-for-later", delivered.getJsonObject("payload").getString("sdp"));

        // More addresses park until the server's budget for all of them is spent; then anyone who would park is
        // refused (try again later), while messages between connected peers still go through.
        int refusedBy = 0;
        for (int address = 5; address <= 9 && refusedBy == 0; address++) {
            String source = "127.0.0." + address;
            String refusal = parkUntilRefusal(source);
            if (refusal.startsWith("The server holds as many bytes of messages for peers that are not connected")) {
                refusedBy = address;
            } else {
                assertTrue(refusal.startsWith("Too many bytes waiting"), refusal);
            }
        }
        assertTrue(refusedBy > 0, "no address was refused by the server's budget of " + QUEUED_BYTES + " bytes");
        phone.socket.sendText(offer(absent.id, "direct"), true).join();
        JsonObject direct = absent.next();
        assertEquals("direct", direct.getJsonObject("payload").getString("sdp"), direct.toString());
        phone.socket.sendText(offer(new Peer().id, "x".repeat(PARKED_SDP_CHARS)), true).join();
        JsonObject full = phone.next();
        assertEquals("ERROR", full.getString("type"), full.toString());
        assertTrue(message(full).startsWith("The server holds as many bytes"), full.toString());
        assertEquals(1013, phone.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        absent.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
    }

    /**
     * Parks OFFERs from a fresh peer at {@code source} until refused, and checks the refusal; returns how many were
     * parked.
     */
    private static int parkUntilRefused(String source, String refusalStart, int closeCode) throws Exception {
        Peer flooder = new Peer();
        try (BoundWebSocket socket = flooder.connectFrom(source)) {
            assertEquals("OPEN", type(nextFrame(socket)));
            String refusal = parkUntilRefusal(flooder, socket);
            assertTrue(refusal.startsWith(refusalStart), refusal);
            assertEquals(closeCode, socket.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            return flooder.parked;
        }
    }

    /** Parks OFFERs from a fresh peer at {@code source} until refused; returns the refusal's message. */
    private static String parkUntilRefusal(String source) throws Exception {
        Peer flooder = new Peer();
        try (BoundWebSocket socket = flooder.connectFrom(source)) {
            assertEquals("OPEN", type(nextFrame(socket)));
            return parkUntilRefusal(flooder, socket);
        }
    }

    /**
     * Sends OFFERs for fresh absent ids, each followed by a small OFFER to the flooder itself: its echo proves the
     * server handled the OFFER before it (a socket's messages are handled in order) and parked it; an ERROR instead
     * is the refusal, whose message is returned.
     */
    private static String parkUntilRefusal(Peer flooder, BoundWebSocket socket) throws Exception {
        for (int sent = 0; sent < 10; sent++) {
            socket.send(offer(new Peer().id, "x".repeat(PARKED_SDP_CHARS)));
            socket.send(offer(flooder.id, "echo-" + sent));
            JsonObject reply = nextFrame(socket);
            if (type(reply).equals("ERROR")) {
                return message(reply);
            }
            assertEquals("echo-" + sent, reply.getJsonObject("payload").getString("sdp"), reply.toString());
            flooder.parked++;
        }
        throw new AssertionError("10 OFFERs of " + PARKED_SDP_CHARS + " characters for absent ids were all parked, "
                + "none refused");
    }

    private static String offer(KeyId dst, String sdp) {
        return Json.createObjectBuilder().add("type", "OFFER").add("dst", dst.toString())
                .add("payload", Json.createObjectBuilder().add("sdp", sdp)).build().toString();
    }

    private static JsonObject nextFrame(BoundWebSocket socket) throws InterruptedException {
        String frame = socket.next(WAIT);
        assertNotNull(frame, "no signaling message within " + WAIT.toSeconds() + " s");
        return Json.createReader(new StringReader(frame)).readObject();
    }

    private static String type(JsonObject message) {
        return message.getString("type");
    }

    private static String message(JsonObject error) {
        return error.getJsonObject("payload").getString("msg");
    }
}

package dev.persona.it;

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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.persona.signaling.identity.IdProof;
import dev.persona.signaling.identity.KeyId;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The PeerJS signaling of the deployed EAR over real WSS on the application's HTTPS port: key-proven ids, relay
 * with the server-set src, forged and replayed proofs refused, REST calls. (The full protocol is tested in
 * persona-signaling against an embedded container; this proves the wiring in WildFly.)
 */
class SignalingIT {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static PersonaHost host;
    private static HttpClient https;
    private static String origin;

    @BeforeAll
    static void startHost() throws Exception {
        host = new PersonaHost(Path.of("target/it-data/signaling").toAbsolutePath());
        HostFoundationIT.deleteRecursively(host.dataDirectory);
        host.start();
        https = HttpClient.newBuilder().sslContext(host.trustingOnlyTheHostCa()).connectTimeout(Duration.ofSeconds(5))
                .build();
        origin = "https://127.0.0.1:" + host.httpsPort;
    }

    @AfterAll
    static void stopHost() throws Exception {
        if (host != null) {
            host.stop();
        }
    }

    /** A phone-like peer: an Ed25519 key, its key id, a WebSocket to /peerjs. */
    static final class Peer implements WebSocket.Listener {
        final Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(RANDOM);
        final KeyId id = KeyId.of(key.generatePublicKey().getEncoded());
        final BlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        String token(long timestamp) {
            return IdProof.sign(key, origin, timestamp, IdProof.newNonce(RANDOM)).token();
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
}

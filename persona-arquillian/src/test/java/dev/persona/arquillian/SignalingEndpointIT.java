package dev.persona.arquillian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.persona.host.signaling.SignalingHost;
import dev.persona.signaling.SignalingServer;
import dev.persona.signaling.identity.IdProof;
import dev.persona.signaling.identity.KeyId;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The signaling endpoint in the container, from outside: the application's signaling server
 * ({@link SignalingHost}, its settings the bootstrap's) at {@code /peerjs}, and a WebSocket client in the test JVM.
 * A phone that proves its key hears OPEN; a proof made by another key, and a proof used a second time, are refused
 * with ERROR and close code 1008 (docs/signaling.md). On WildFly the client comes over the server's HTTPS port and
 * trusts the test CA; on Payara over the bare domain's plain HTTP listener ({@link Deployments#payaraOrigin()}),
 * whose HTTPS listener has a certificate of the domain's own: the endpoint is what this covers, TLS on Payara is
 * PayaraHostIT's.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SignalingEndpointIT {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long WAIT_SECONDS = 60;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.services("signaling")
                .addPackages(true, SignalingServer.class.getPackage())
                .addClasses(SignalingHost.class, PeerJsSocketRegistration.class);
    }

    @Test
    void aPhoneThatProvesItsKeyHearsOpen() throws Exception {
        Ed25519PrivateKeyParameters phone = new Ed25519PrivateKeyParameters(RANDOM);
        try (Socket socket = Socket.open(KeyId.of(phone.generatePublicKey().getEncoded()), proof(phone))) {
            assertEquals("OPEN", socket.next().getString("type"));
        }
    }

    @Test
    void aProofByAnotherKeyIsRefused() throws Exception {
        Ed25519PrivateKeyParameters phone = new Ed25519PrivateKeyParameters(RANDOM);
        Ed25519PrivateKeyParameters forger = new Ed25519PrivateKeyParameters(RANDOM);
        try (Socket socket = Socket.open(KeyId.of(phone.generatePublicKey().getEncoded()), proof(forger))) {
            JsonObject refused = socket.next();
            assertEquals("ERROR", refused.getString("type"), refused.toString());
            assertEquals(1008, socket.closeCode(), "closed for a policy violation");
        }
    }

    @Test
    void aProofIsGoodForOneConnectionOnly() throws Exception {
        Ed25519PrivateKeyParameters phone = new Ed25519PrivateKeyParameters(RANDOM);
        KeyId id = KeyId.of(phone.generatePublicKey().getEncoded());
        String token = proof(phone);
        try (Socket first = Socket.open(id, token)) {
            assertEquals("OPEN", first.next().getString("type"));
        }
        try (Socket replayed = Socket.open(id, token)) {
            JsonObject refused = replayed.next();
            assertEquals("ERROR", refused.getString("type"), refused.toString());
            assertEquals(1008, replayed.closeCode());
        }
    }

    /** A proof token for the origin the client connects to, one of those the server accepts. */
    private static String proof(Ed25519PrivateKeyParameters key) {
        return IdProof.sign(key, origin(), Instant.now().getEpochSecond(), IdProof.newNonce(RANDOM)).token();
    }

    /** WildFly's HTTPS origin at 127.0.0.1 (the bootstrap accepts it), or Payara's plain one. */
    private static String origin() {
        return Deployments.container().equals("payara") ? Deployments.payaraOrigin()
                : "https://127.0.0.1:" + httpsPort();
    }

    private static String httpsPort() {
        Properties written = new Properties();
        Path file = Path.of(System.getProperty("persona.arq.data", "target/arquillian-data"), "run",
                "wildfly.properties");
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            written.load(reader);
        } catch (IOException e) {
            throw new IllegalStateException("The bootstrap's " + file, e);
        }
        return written.getProperty("persona.https.port");
    }

    /** One PeerJS socket from the test JVM (java.net.http, which trusts the test CA through the JVM's settings). */
    private static final class Socket implements WebSocket.Listener, AutoCloseable {
        private final BlockingQueue<JsonObject> heard = new LinkedBlockingQueue<>();
        private final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket webSocket;

        static Socket open(KeyId id, String token) throws Exception {
            Socket socket = new Socket();
            URI uri = URI.create(origin().replaceFirst("^http", "ws") + "/signaling/peerjs?key=peerjs&id=" + id
                    + "&token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
            socket.webSocket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, socket)
                    .get(WAIT_SECONDS, TimeUnit.SECONDS);
            return socket;
        }

        JsonObject next() throws InterruptedException {
            JsonObject message = heard.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(message, "the server said nothing within " + WAIT_SECONDS + " s");
            return message;
        }

        int closeCode() throws Exception {
            return closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                heard.add(Json.createReader(new StringReader(partial.toString())).readObject());
                partial.setLength(0);
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            closed.completeExceptionally(error);
        }

        @Override
        public void close() {
            if (!webSocket.isOutputClosed()) {
                webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
            }
        }
    }
}

package dev.persona.it;

import dev.persona.testkit.Directories;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import dev.persona.testkit.JavaPhone.Received;
import dev.persona.signaling.identity.IdProof;
import dev.persona.signaling.identity.KeyId;
import dev.persona.testkit.JavaPhone;
import dev.persona.testkit.PersonaHost;
import dev.persona.testkit.PersonaHost.PairingUrl;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * An unpaired device on the LAN against the deployed host's own WebRTC peer (issue 14, findings 1, 2 and 8): a flood
 * of offers from one self-made key leaves the next real phone served; a channel that never says {@code hello} is
 * closed at the handshake deadline; a frame or a chunked message larger than a handshake message before the
 * handshake closes the channel; a fifth unproven stranger from one address is closed when its channel opens; an
 * offer's text cannot forge a line of server.log, and 200 bad offers make a bounded number of log lines with a
 * summary that counts them; a phone whose sessions never connect still gets its data channel on its fifth load in a
 * row.
 *
 * <p>The host waits 60 s for a data channel after an offer (so that a flood would hold its places for the whole
 * test), gives a channel 20 s to complete the handshake and summarises refusals every 10 s. Runs in the network
 * namespace of the failsafe execution {@code loopback-network}.
 */
@Tag("loopback-network")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostilePeerIT {

    private static final Duration REPLY = Duration.ofSeconds(30);
    private static final Duration ANSWER = Duration.ofSeconds(240);
    /** Long enough for five phones to connect at once on a busy machine, short enough to wait for. */
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(20);
    /** Longer than a flood of 200 offers takes (4 s at 50 a second), so that it falls in one or two intervals. */
    private static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** A line WildFly would write for a SEVERE record, as an attacker puts it after a newline. */
    private static final String FORGED_LINE = "2026-12-06 20:00:00,000 SEVERE [dev.persona.admin.OwnerPassword] "
            + "(default task-1) The owner's password was reset";

    private static PersonaHost host;
    private static String hostId;
    private static String invite;
    private static String offerSdp;

    @BeforeAll
    static void startHost() throws Exception {
        JavaPhone.requireLoopbackNetwork();
        host = new PersonaHost(Path.of("target/it-data/hostile-peer").toAbsolutePath())
                .with("PERSONA_CHAT_MAX_TOKENS", "16")
                .with("PERSONA_PEER_CONNECT_TIMEOUT_MS", "60000")
                .with("PERSONA_PEER_HANDSHAKE_TIMEOUT_MS", Long.toString(HANDSHAKE_TIMEOUT.toMillis()))
                .with("PERSONA_PEER_REFUSALS_LOG_INTERVAL_MS", Long.toString(LOG_INTERVAL.toMillis()));
        Directories.deleteRecursively(host.dataDirectory);
        PairingUrl url = host.start().pairingUrl();
        hostId = url.hostId();
        invite = url.invite();
        offerSdp = JavaPhone.dataChannelOfferSdp();
    }

    @AfterAll
    static void stopHost() throws Exception {
        PersonaHost.tearDown(host).first(JavaPhone::disposeFactory).checkingLog().run();
    }

    @Test
    @Order(1)
    void twoHundredOffersFromOneKeyLeaveTheNextPhoneServed() throws Exception {
        try (OfferSender flood = new OfferSender()) {
            long started = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                flood.offer("dc_flood" + i, "data");
            }
            long floodSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            // The flood's answered offers never get a path: on the old host each held a place for the 60 s of the
            // connect timeout. Give the host time to answer all it would answer: its 3 unproven sessions, and one
            // a second that replaces the oldest of them (at most 3 at once), with a few seconds' slack for a busy
            // host that reads the flood more slowly than it was sent.
            int answered = flood.answersWithin(Duration.ofSeconds(10));
            assertTrue(answered <= 3 + floodSeconds + 3, "one key gets a few connecting sessions, not " + answered
                    + " in a flood of " + floodSeconds + " s");

            // While the flood's sessions are connecting, a real phone pairs and chats.
            try (JavaPhone phone = new JavaPhone(host, "after-the-flood")) {
                phone.connect(hostId);
                Received admitted = phone.handshake(hostId, invite);
                assertEquals("admitted", admitted.type(), admitted.toString());
                phone.chat("t1", null, "Hello");
                phone.expect("accepted", REPLY);
                List<Received> answer = phone.until(m -> "done".equals(m.type()) || "error".equals(m.type()),
                        ANSWER);
                Received done = answer.get(answer.size() - 1);
                assertEquals("done", done.type(), done.toString());
            }
            List<String> floodLines = linesWith(flood.id.toString());
            assertTrue(floodLines.size() <= 8, "200 refused offers are summarised, not logged one by one: "
                    + floodLines.size() + " lines:\n" + String.join("\n", floodLines));
        }
    }

    @Test
    @Order(2)
    void aChannelThatNeverSaysHelloIsClosedAtTheHandshakeDeadline() throws Exception {
        try (JavaPhone silent = new JavaPhone(host, "silent")) {
            silent.connect(hostId);
            long opened = System.nanoTime();
            assertTrue(silent.closedByHost(HANDSHAKE_TIMEOUT.plusSeconds(30)), "the host closed the silent channel");
            long after = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened);
            assertTrue(after >= HANDSHAKE_TIMEOUT.toMillis() - 1000, "not before the deadline: " + after + " ms");
            awaitTrue(() -> !linesWith(silent.id + " did not complete the handshake within "
                    + HANDSHAKE_TIMEOUT.toMillis() + " ms").isEmpty(), "the host to log why it closed the channel");
        }
    }

    @Test
    @Order(3)
    void framesLargerThanAHandshakeMessageBeforeTheHandshakeCloseTheChannel() throws Exception {
        try (JavaPhone phone = new JavaPhone(host, "big-frame")) {
            phone.connect(hostId);
            phone.sendFrame("{\"type\":\"hello\",\"padding\":\"" + "x".repeat(8_000) + "\"}");
            assertTrue(phone.closedByHost(REPLY), "an 8 000-byte frame before the handshake closes the channel");
            awaitTrue(() -> !linesWith(phone.id + " sent a frame of").isEmpty(),
                    "the host to log why it closed the channel");
            assertTrue(phone.history().isEmpty(), "the host answered nothing: " + phone.history());
        }
        try (JavaPhone phone = new JavaPhone(host, "big-chunks")) {
            phone.connect(hostId);
            // A 64 KiB message in chunks of 2 000 bytes: each frame is small, the message is not.
            String message = "{\"type\":\"hello\",\"padding\":\"" + "y".repeat(64 * 1024) + "\"}";
            int count = (message.length() + 1999) / 2000;
            for (int index = 0; index < count; index++) {
                String data = message.substring(index * 2000, Math.min(message.length(), (index + 1) * 2000));
                if (!phone.connected()) {
                    break;
                }
                phone.sendFrame(Json.createObjectBuilder().add("type", "chunk").add("id", 1).add("index", index)
                        .add("count", count).add("data", data).build().toString());
            }
            assertTrue(phone.closedByHost(REPLY), "a 64 KiB chunked message before the handshake closes the channel");
            awaitTrue(() -> !linesWith(phone.id + " sent a chunked message").isEmpty(),
                    "the host to log why it closed the channel");
        }
        // A phone that keeps to handshake-sized messages is admitted as before.
        try (JavaPhone phone = new JavaPhone(host, "handshake-sized")) {
            phone.connect(hostId);
            phone.sendFrame("{\"type\":\"nonsense\"," + "\"pad\":\"" + "z".repeat(2_000) + "\"}");
            phone.expectError("handshake-first", REPLY);
            Received decision = phone.handshake(hostId, null);
            assertFalse("error".equals(decision.type()), decision.toString());
        }
    }

    @Test
    @Order(4)
    void aFifthUnprovenStrangerFromOneAddressIsClosed() throws Exception {
        List<JavaPhone> phones = new ArrayList<>();
        java.util.concurrent.ExecutorService connecting = java.util.concurrent.Executors.newFixedThreadPool(5);
        try {
            List<java.util.concurrent.Future<Long>> opened = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                JavaPhone phone = new JavaPhone(host, "stranger-" + i);
                phones.add(phone);
                opened.add(connecting.submit(() -> phone.connect(hostId)));
            }
            for (java.util.concurrent.Future<Long> open : opened) {
                open.get(120, TimeUnit.SECONDS);
            }
            awaitTrue(() -> phones.stream().anyMatch(p -> !linesWith("Phone " + p.id + " connected from ").isEmpty()),
                    "the host to close one of five unproven strangers from one address");
            List<JavaPhone> closed = phones.stream()
                    .filter(p -> !linesWith("Phone " + p.id + " connected from ").isEmpty()).toList();
            assertEquals(1, closed.size(), "one of the five is over the limit of 4");
            assertTrue(closed.get(0).closedByHost(REPLY), "its channel is closed");
            assertTrue(linesWith("Phone " + closed.get(0).id + " connected from ").get(0)
                    .contains("which has 4 sessions that have not completed the handshake already"));
            for (JavaPhone phone : phones) {
                if (phone != closed.get(0)) {
                    assertTrue(phone.connected(), phone.name + " keeps its channel until its own deadline");
                }
            }
        } finally {
            connecting.shutdownNow();
            phones.forEach(JavaPhone::close);
        }
    }

    @Test
    @Order(5)
    void offerTextCannotForgeALogLineAndBadOffersAreSummarised() throws Exception {
        try (OfferSender attacker = new OfferSender()) {
            attacker.offer("dc_forged", "data\n" + FORGED_LINE);
            for (int i = 0; i < 200; i++) {
                attacker.offer("dc_bad" + i, "media");
            }
            // The summary of the window that held them comes within an interval or two.
            awaitTrue(() -> linesWith(attacker.id.toString()).stream().anyMatch(l -> l.contains("more")),
                    "a summary line that counts the refused offers of " + attacker.id);
            List<String> forged = allLines().stream().filter(l -> l.startsWith(FORGED_LINE.substring(0, 30)))
                    .toList();
            assertEquals(List.of(), forged, "no line of server.log starts with the forged text");
            assertFalse(linesWith("\\n" + FORGED_LINE.substring(0, 23)).isEmpty(),
                    "the offer's type is in the log with its newline escaped");
            List<String> lines = linesWith(attacker.id.toString());
            assertTrue(lines.size() <= 8, "201 bad offers make a bounded number of log lines, not "
                    + lines.size() + ":\n" + String.join("\n", lines));
        }
    }

    @Test
    @Order(6)
    void aPhoneWithoutAPathThatReloadsFiveTimesGetsItsDataChannelOnTheLastLoad() throws Exception {
        try (JavaPhone phone = new JavaPhone(host, "reloading")) {
            // Four loads on a network without a peer-to-peer path: each leaves a session that never connects, for
            // the 60 s of the connect timeout (peerjs sends no LEAVE, and no path carries the close).
            for (int load = 1; load <= 4; load++) {
                phone.offerWithoutPath(hostId);
                assertTrue(phone.answered(REPLY), "the host answers load " + load + " of the phone");
                phone.disconnect();
                Thread.sleep(1100);   // a reload takes longer than the host's 1 s between replacements
            }
            phone.connect(hostId);   // fails unless the channel opens
            Received decision = phone.handshake(hostId, null);
            assertFalse("error".equals(decision.type()), decision.toString());
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private static List<String> allLines() {
        Path logs = host.dataDirectory.resolve("logs");
        try (Stream<Path> files = Files.list(logs)) {
            List<String> lines = new ArrayList<>();
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("server.log")).toList()) {
                lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
            }
            return lines;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> linesWith(String text) {
        return allLines().stream().filter(line -> line.contains(text)).toList();
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Waited 60 s in vain for " + what + ".\n--- server.log ---\n"
                        + host.serverLogTail());
            }
            Thread.sleep(100);
        }
    }

    /**
     * A self-made key on the host's signaling that sends bare OFFERs (a real data-channel SDP, no candidates, no
     * channel) to the host's persona id and counts the ANSWERs.
     */
    private static final class OfferSender implements WebSocket.Listener, AutoCloseable {

        final Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(RANDOM);
        final KeyId id = KeyId.of(key.generatePublicKey().getEncoded());
        final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        final CompletableFuture<Void> open = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private final WebSocket socket;
        private long lastSent;

        OfferSender() throws Exception {
            String origin = "https://127.0.0.1:" + host.httpsPort;
            String token = IdProof.sign(key, origin, Instant.now().getEpochSecond(), IdProof.newNonce(RANDOM))
                    .token();
            HttpClient https = HttpClient.newBuilder().sslContext(host.trustingOnlyTheHostCa()).build();
            socket = https.newWebSocketBuilder().buildAsync(URI.create("wss://127.0.0.1:" + host.httpsPort
                    + "/peerjs?key=peerjs&id=" + id + "&token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)
                    + "&version=1.5.5"), this).get(30, TimeUnit.SECONDS);
            open.get(30, TimeUnit.SECONDS);
        }

        /**
         * Sends one OFFER, at most 50 a second: signaling closes a socket that sends more than 100 messages in a
         * second (a limit of its own, not what this test is about).
         */
        void offer(String connectionId, String type) throws InterruptedException {
            long wait = lastSent + TimeUnit.MILLISECONDS.toNanos(20) - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            lastSent = System.nanoTime();
            JsonObjectBuilder payload = Json.createObjectBuilder()
                    .add("sdp", Json.createObjectBuilder().add("type", "offer").add("sdp", offerSdp))
                    .add("type", type).add("connectionId", connectionId).add("label", connectionId)
                    .addNull("metadata").add("reliable", true).add("serialization", "raw");
            socket.sendText(Json.createObjectBuilder().add("type", "OFFER").add("dst", hostId)
                    .add("payload", payload).build().toString(), true).join();
        }

        /** The ANSWERs that came within {@code time} from now (and before). */
        int answersWithin(Duration time) throws InterruptedException {
            Thread.sleep(time.toMillis());   // counting what arrives in a window: no condition to wait for
            int answers = 0;
            for (String message : received) {
                JsonObject json = Json.createReader(new StringReader(message)).readObject();
                if ("ANSWER".equals(json.getString("type", ""))) {
                    answers++;
                }
            }
            return answers;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                received.add(text);
                if (text.contains("\"OPEN\"")) {
                    open.complete(null);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            open.completeExceptionally(new IllegalStateException("closed: " + statusCode + " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            open.completeExceptionally(error);
        }

        @Override
        public void close() {
            socket.abort();
        }
    }
}

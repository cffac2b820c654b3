package dev.persona.it;

import dev.persona.testkit.Directories;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.persona.signaling.identity.KeyId;
import dev.persona.testkit.HeadlessChromium;
import dev.persona.testkit.JavaPhone;
import dev.persona.testkit.OwnerDesk;
import dev.persona.testkit.PersonaHost;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The relay transport against the deployed host (docs/protocol.md, "Transports"): a Java phone opens the WSS relay
 * socket on the host's HTTPS port, proves the host and itself with the handshake, pairs with the invite the host
 * printed, chats a turn answered by the real llama-server (tiny model) and stops another; the socket's limits before
 * the handshake (handshake-sized messages, the handshake deadline, a host id nobody answers to) close it with 1008,
 * and a request that is no WebSocket finds nothing there. Then the phone page in a headless Chromium that can load
 * the page but finds no peer-to-peer path falls back to the relay by itself, says so, and chats; its time to
 * fallback is measured. The missing path is a stand-in: an init script makes the page's peer connections gather
 * relay (TURN) candidates only, of which there are none, so Chromium's real ICE never connects (as on guest Wi-Fi
 * with client isolation; no firewall rule, since nftables/iptables are not installed on the test machines). Without
 * the microphone permission and the loopback flag, Chromium 156 still connected over loopback, so that alone is no
 * such condition. Runs in the network namespace of the failsafe execution {@code loopback-network}, for the browser.
 */
@Tag("loopback-network")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RelayIT {

    private static final Duration REPLY = Duration.ofSeconds(30);
    private static final Duration ANSWER = Duration.ofSeconds(180);
    /** Short, so that the deadline test waits little; still far above a handshake on a busy machine. */
    private static final long HANDSHAKE_TIMEOUT_MS = 4000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private static PersonaHost host;
    private static String hostId;
    private static String invite;
    private static HttpClient https;
    private static String pairingUrl;
    private static final Path MEASUREMENTS = Path.of("target/relay-measurements.txt");

    @BeforeAll
    static void startHost() throws Exception {
        host = new PersonaHost(Path.of("target/it-data/relay").toAbsolutePath())
                .with("PERSONA_LLAMA_PARALLEL_SLOTS", "1").with("PERSONA_LLAMA_CONTEXT_SIZE", "2048")
                .with("PERSONA_CHAT_MAX_TOKENS", "400")
                .with("PERSONA_PEER_HANDSHAKE_TIMEOUT_MS", Long.toString(HANDSHAKE_TIMEOUT_MS));
        Directories.deleteRecursively(host.dataDirectory);
        PersonaHost.Run started = host.start();
        PersonaHost.PairingUrl url = started.pairingUrl();
        hostId = url.hostId();
        invite = url.invite();
        pairingUrl = url.clientUrl() + "?id=" + hostId + "&invite=" + invite;
        https = HttpClient.newBuilder().sslContext(host.trustingOnlyTheHostCa())
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stopHost() throws Exception {
        PersonaHost.tearDown(host).checkingLog().run();
    }

    /** A phone on the relay socket: its key, and what the host sent it. */
    private static final class RelayPhone implements WebSocket.Listener {
        final Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(RANDOM);
        final String id = KeyId.of(key.generatePublicKey().getEncoded()).toString();
        final BlockingQueue<JsonObject> inbox = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        RelayPhone open(String calledHostId) throws Exception {
            socket = https.newWebSocketBuilder().buildAsync(URI.create("wss://127.0.0.1:" + host.httpsPort
                    + "/relay/" + calledHostId + "?phone=" + id), this).get(30, TimeUnit.SECONDS);
            return this;
        }

        void send(String text) throws Exception {
            socket.sendText(text, true).get(10, TimeUnit.SECONDS);
        }

        void send(JsonObject message) throws Exception {
            send(message.toString());
        }

        JsonObject next(Duration timeout) throws InterruptedException {
            JsonObject message = inbox.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(message, "nothing from the host within " + timeout + "\n" + host.serverLogTail());
            return message;
        }

        JsonObject expect(String type, Duration timeout) throws InterruptedException {
            JsonObject message = next(timeout);
            assertEquals(type, message.getString("type"), message.toString());
            return message;
        }

        /** hello, the host's welcome checked against {@code hostId}'s key, proof; returns the host's decision. */
        JsonObject handshake(String pairingInvite) throws Exception {
            byte[] challenge = new byte[32];
            RANDOM.nextBytes(challenge);
            send(Json.createObjectBuilder().add("type", "hello").add("v", 1).add("host", hostId).add("device", id)
                    .add("challenge", JavaPhone.base64url(challenge)).add("invite", pairingInvite)
                    .add("name", "Relay phone").build());
            JsonObject welcome = expect("welcome", REPLY);
            assertEquals(hostId, welcome.getString("host"));
            byte[] hostChallenge = Base64.getUrlDecoder().decode(welcome.getString("challenge"));
            byte[] hostStatement = JavaPhone.statement("host", hostId, id, challenge, hostChallenge);
            Ed25519Signer verifier = new Ed25519Signer();
            verifier.init(false, new Ed25519PublicKeyParameters(
                    KeyId.parse(hostId).publicKey()));
            verifier.update(hostStatement, 0, hostStatement.length);
            assertTrue(verifier.verifySignature(Base64.getUrlDecoder().decode(welcome.getString("signature"))),
                    "the host proves its key over the relay too");
            byte[] statement = JavaPhone.statement("phone", hostId, id, challenge, hostChallenge);
            Ed25519Signer signer = new Ed25519Signer();
            signer.init(true, key);
            signer.update(statement, 0, statement.length);
            send(Json.createObjectBuilder().add("type", "proof")
                    .add("signature", JavaPhone.base64url(signer.generateSignature())).build());
            return next(REPLY);
        }

        /** Messages of a turn up to its done or error. */
        List<JsonObject> turn(Duration timeout) throws InterruptedException {
            List<JsonObject> messages = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                JsonObject message = next(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                messages.add(message);
                if (List.of("done", "error").contains(message.getString("type"))) {
                    return messages;
                }
            }
        }

        int closedWith(Duration timeout) throws Exception {
            try {
                return closeCode.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("the host did not close the relay socket within " + timeout);
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                inbox.add(Json.createReader(new StringReader(partial.toString())).readObject());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.completeExceptionally(error);
        }
    }

    @Test
    @Order(1)
    void aPhonePairsOverTheRelayChatsATurnAndStopsAnother() throws Exception {
        RelayPhone phone = new RelayPhone().open(hostId);
        phone.send("{\"type\":\"chat\",\"id\":\"early\",\"text\":\"Hi\"}");
        assertEquals("handshake-first", phone.expect("error", REPLY).getString("code"),
                "before the handshake only handshake frames count, as on the data channel");

        JsonObject admitted = phone.handshake(invite);
        assertEquals("admitted", admitted.getString("type"), admitted.toString());
        assertEquals(hostId, admitted.getString("host"));

        phone.send(Json.createObjectBuilder().add("type", "chat").add("id", "t1").addNull("conversation")
                .add("text", "Say hello in five words.").build());
        JsonObject accepted = phone.expect("accepted", REPLY);
        List<JsonObject> answer = phone.turn(ANSWER);
        JsonObject done = answer.get(answer.size() - 1);
        assertEquals("done", done.getString("type"), answer.toString());
        assertTrue(answer.stream().anyMatch(m -> "token".equals(m.getString("type"))), "tokens stream: " + answer);

        phone.send(Json.createObjectBuilder().add("type", "chat").add("id", "t2")
                .add("conversation", accepted.getString("conversation"))
                .add("text", "Now count slowly from one to two hundred, one number per line.").build());
        phone.expect("accepted", REPLY);
        phone.send("{\"type\":\"stop\",\"id\":\"t2\"}");
        List<JsonObject> stopped = phone.turn(ANSWER);
        JsonObject end = stopped.get(stopped.size() - 1);
        assertEquals("done", end.getString("type"), stopped.toString());
        assertTrue(end.getBoolean("stopped"), "the stop ends the answer: " + end);

        phone.send("{\"type\":\"history\"}");
        JsonObject history = phone.expect("history", REPLY);
        assertEquals(1, history.getJsonArray("conversations").size(), "the relayed turns are stored: " + history);
        phone.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
    }

    @Test
    @Order(2)
    void beforeTheHandshakeTheRelayHasTheDataChannelsLimits() throws Exception {
        RelayPhone large = new RelayPhone().open(hostId);
        large.send("{\"type\":\"hello\",\"pad\":\"" + "x".repeat(5000) + "\"}");
        assertEquals(1008, large.closedWith(REPLY), "a frame above the handshake size closes the socket");

        long opened = System.nanoTime();
        RelayPhone idle = new RelayPhone().open(hostId);
        assertEquals(1008, idle.closedWith(Duration.ofMillis(HANDSHAKE_TIMEOUT_MS).plus(REPLY)));
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened);
        assertTrue(waited >= HANDSHAKE_TIMEOUT_MS - 200, "closed at the handshake deadline, not before: " + waited);

        String nobody = KeyId.of(new Ed25519PrivateKeyParameters(RANDOM).generatePublicKey().getEncoded()).toString();
        assertEquals(1008, new RelayPhone().open(nobody).closedWith(REPLY), "no persona answers to that id");

        HttpResponse<String> plain = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                + host.httpsPort + "/relay/" + hostId + "?phone=x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, plain.statusCode(), "only WebSocket upgrades are served there");
        ExecutionException noPhoneId = assertThrows(ExecutionException.class,
                () -> https.newWebSocketBuilder().buildAsync(URI.create("wss://127.0.0.1:" + host.httpsPort
                        + "/relay/" + hostId + "?phone=%0Anot-a-key"), new WebSocket.Listener() { })
                        .get(30, TimeUnit.SECONDS));
        assertNotNull(noPhoneId.getCause(), "a phone id that is no key id is no socket (it would go to the log)");
        ExecutionException malformed = assertThrows(ExecutionException.class,
                () -> https.newWebSocketBuilder().buildAsync(URI.create("wss://127.0.0.1:" + host.httpsPort
                        + "/relay/not-a-key-id?phone=x"), new WebSocket.Listener() { }).get(30, TimeUnit.SECONDS));
        assertNotNull(malformed.getCause(), "a malformed host id is no socket");
    }

    @Test
    @Order(3)
    void aPageWithoutAPeerToPeerPathFallsBackToTheRelayByItselfAndChats() throws Exception {
        OwnerDesk owner = OwnerDesk.deployInto(host);
        ChromeDriver phone = HeadlessChromium.start(host, "relay", 420, 860, null);
        try {
            phone.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                    "window.RTCPeerConnection = class extends window.RTCPeerConnection {"
                    + " constructor(config = {}) { super({ ...config, iceTransportPolicy: 'relay' }); } };"));
            phone.get(pairingUrl.replaceFirst("invite=[a-z2-9]+", "invite=" + owner.invite()));
            new WebDriverWait(phone, Duration.ofSeconds(90)).pollingEvery(Duration.ofMillis(50)).until(d ->
                    "ready".equals(d.findElement(By.tagName("body")).getAttribute("data-state")));
            assertTrue(phone.findElement(By.id("transport")).isDisplayed(), "the page says it is relayed");
            assertEquals("Relayed through the host", phone.findElement(By.id("transport")).getText());
            assertEquals(Boolean.FALSE, phone.executeScript(
                    "return performance.getEntriesByName('persona-channel-open').length > 0"),
                    "no data channel opened: the relay carries the chat");

            phone.findElement(By.id("input")).sendKeys("Say hello in five words.");
            phone.findElement(By.id("send")).click();
            new WebDriverWait(phone, ANSWER).pollingEvery(Duration.ofMillis(50)).until(d ->
                    !d.findElements(By.cssSelector("#messages > li.assistant")).isEmpty()
                            && d.findElement(By.id("send")).isDisplayed());
            String answer = phone.findElement(By.cssSelector("#messages > li.assistant .text")).getText();
            assertFalse(answer.isBlank(), "the relayed turn is answered");

            @SuppressWarnings("unchecked")
            Map<String, Object> marks = (Map<String, Object>) phone.executeScript(
                    "const at = (n) => performance.getEntriesByName(n)[0]?.startTime ?? null;"
                    + "return {signaling: at('persona-signaling-open'), start: at('persona-relay-start'),"
                    + " open: at('persona-relay-open'), ready: at('persona-ready')};");
            double signaling = ((Number) marks.get("signaling")).doubleValue();
            double ready = ((Number) marks.get("ready")).doubleValue();
            double relayOpen = ((Number) marks.get("open")).doubleValue();
            String line = String.format(Locale.ROOT, "signaling open -> relay open %.0f ms, -> ready %.0f "
                    + "ms (relay after %.0f ms without a data channel); page start -> ready %.0f ms", relayOpen
                    - signaling, ready - signaling, ((Number) marks.get("start")).doubleValue() - signaling, ready);
            Files.createDirectories(MEASUREMENTS.getParent());
            Files.writeString(MEASUREMENTS, line + "\n");
            System.out.println("Relay fallback: " + line);
            assertTrue(relayOpen - signaling < 30_000, line);
        } finally {
            phone.quit();
        }
    }
}

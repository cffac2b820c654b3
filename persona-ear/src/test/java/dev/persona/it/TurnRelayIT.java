package dev.persona.it;

import dev.persona.testkit.Directories;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.persona.signaling.identity.IdProof;
import dev.persona.signaling.identity.KeyId;
import dev.persona.testkit.CoturnServer;
import dev.persona.testkit.PersonaHost;
import dev.persona.testkit.PhonePage;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * TURN with a real coturn against the deployed host (docs/host-peer.md, "TURN"). The test starts coturn in a network
 * namespace of its own, joined to the test's namespace by a veth pair (10.34.1.1 here, 10.34.1.2 coturn), with
 * {@code use-auth-secret}; the host gets the same secret ({@code PERSONA_PEER_TURN_SECRET}) and makes short-lived
 * TURN REST credentials from it for its own peer and for approved phones, which ask {@code /ice/<host id>} with a
 * proof of their key. A network with no direct path between phone and host is stood in for by forced TURN: the host
 * peer runs with {@code PERSONA_PEER_ICE_RELAY_ONLY}, and an init script gives the page's peer connections
 * {@code iceTransportPolicy: relay}, so every packet between them goes through coturn. The phone pairs (over the relay
 * WebSocket, since before its approval it gets no TURN credentials and so has no candidate), reloads, chats a turn
 * over a data channel whose selected candidate pair is relay on both ends (getStats), and coturn's log names both
 * users. A second coturn with another secret (set up on one side only) refuses the host's credentials: the host logs
 * which server and what to check, and the good one carries the chat. Credentials that expired or were made with
 * another secret get 401 from coturn and no relay candidate.
 * Runs in the network namespace of the failsafe execution {@code loopback-network}.
 */
@Tag("loopback-network")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TurnRelayIT {

    private static final Duration ANSWER = Duration.ofSeconds(180);
    private static final String SECRET = "turn-relay-it-" + Long.toHexString(new SecureRandom().nextLong());
    private static final long TTL_SECONDS = 600;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Records the page's peer connections and their configuration, and gives them relay candidates only. */
    private static final String FORCED_TURN = "window.personaPeerConnections = [];"
            + "window.RTCPeerConnection = class extends window.RTCPeerConnection {"
            + " constructor(config = {}) { super({ ...config, iceTransportPolicy: 'relay' });"
            + " window.personaPeerConnections.push({ pc: this, iceServers: config.iceServers ?? [] }); } };";

    private static CoturnServer coturn;
    /** A second TURN server that does not share the host's secret, as after a secret was changed on one side only. */
    private static CoturnServer misconfigured;
    private static PersonaHost host;
    private static PersonaHost.PairingUrl pairing;
    private static HttpClient https;
    private static PhonePage phone;

    @BeforeAll
    static void startCoturnAndHost() throws Exception {
        Path data = Path.of("target/it-data/turn").toAbsolutePath();
        Directories.deleteRecursively(data);
        coturn = CoturnServer.start(data.resolve("coturn"), "turn0", "10.34.1.1", "10.34.1.2", 34178,
                new int[] {34200, 34299}, SECRET);
        misconfigured = CoturnServer.start(data.resolve("coturn-misconfigured"), "turn1", "10.34.2.1", "10.34.2.2",
                34179, new int[] {34300, 34349}, "another-secret-" + Long.toHexString(RANDOM.nextLong()));
        host = new PersonaHost(data.resolve("host"))
                .with("PERSONA_LLAMA_PARALLEL_SLOTS", "1").with("PERSONA_LLAMA_CONTEXT_SIZE", "2048")
                .with("PERSONA_CHAT_MAX_TOKENS", "200")
                .with("PERSONA_PEER_TURN_URLS", coturn.udpUrl() + " " + misconfigured.udpUrl())
                .with("PERSONA_PEER_TURN_SECRET", SECRET)
                .with("PERSONA_PEER_TURN_TTL_SECONDS", Long.toString(TTL_SECONDS))
                .with("PERSONA_PEER_ICE_RELAY_ONLY", "true");
        pairing = host.start().pairingUrl();
        https = HttpClient.newBuilder().sslContext(host.trustingOnlyTheHostCa())
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stopAll() throws Exception {
        PersonaHost.tearDown(host).first(phone).checkingLog().then(() -> {
            if (host != null) {
                assertFalse(String.join("\n", Files.readAllLines(host.dataDirectory
                        .resolve("logs/server.log"))).contains(SECRET), "the TURN secret is never logged");
            }
        }, coturn, misconfigured).run();
    }

    @Test
    @Order(1)
    void theHostHandsTurnCredentialsToNoStrangerAndNoUnprovenRequest() throws Exception {
        Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(RANDOM);
        String stranger = KeyId.of(key.generatePublicKey().getEncoded()).toString();

        HttpResponse<String> noProof = ice(stranger, null);
        assertEquals(401, noProof.statusCode(), noProof.body());
        assertTrue(noProof.body().contains("Authorization: Proof"), noProof.body());

        String token = IdProof.sign(key, "https://127.0.0.1:" + host.httpsPort, Instant.now().getEpochSecond(),
                IdProof.newNonce(RANDOM)).token();
        HttpResponse<String> proven = ice(stranger, token);
        assertEquals(200, proven.statusCode(), proven.body());
        assertEquals("no-store", proven.headers().firstValue("Cache-Control").orElse(null));
        assertEquals(0, json(proven.body()).getJsonArray("iceServers").size(),
                "a proven key that is no approved device gets no TURN credentials: " + proven.body());

        HttpResponse<String> replayed = ice(stranger, token);
        assertEquals(401, replayed.statusCode(), "a proof counts once: " + replayed.body());
        assertTrue(replayed.body().contains("already used"), replayed.body());
    }

    @Test
    @Order(2)
    void anApprovedPhoneWithNoDirectPathChatsThroughTurn() throws Exception {
        phone = new PhonePage(host, "turn");
        phone.driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", FORCED_TURN));
        phone.open(pairing.clientUrl() + "?id=" + pairing.hostId() + "&invite=" + pairing.invite());
        phone.awaitState("ready", Duration.ofSeconds(90));
        assertTrue(phone.displayed("transport"), "a stranger has no TURN credentials, so no candidate: it pairs "
                + "over the relay WebSocket");

        phone.open(pairing.clientUrl() + "?id=" + pairing.hostId());
        phone.awaitState("ready", Duration.ofSeconds(90));
        assertFalse(phone.displayed("transport"), "approved now, it reaches the host over a data channel");
        assertEquals(Boolean.TRUE, phone.script("return performance.getEntriesByName('persona-channel-open')"
                + ".length > 0"), "the data channel opened");

        @SuppressWarnings("unchecked")
        Map<String, Object> given = (Map<String, Object>) phone.script(
                "return window.personaPeerConnections.at(-1).iceServers[0] ?? null;");
        assertNotNull(given, "the page's peer connection has the host's TURN server");
        assertEquals(List.of(coturn.udpUrl(), misconfigured.udpUrl()), given.get("urls"));
        String username = (String) given.get("username");
        long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
        long now = Instant.now().getEpochSecond();
        assertTrue(expiry > now && expiry <= now + TTL_SECONDS, "expires within the TTL: " + username);
        assertEquals(phone.deviceId(), username.substring(username.indexOf(':') + 1), "labelled with the phone");
        assertEquals(hmacSha1(SECRET, username), given.get("credential"), "the TURN REST password");
        assertFalse(phone.driver.getPageSource().contains((String) given.get("credential")),
                "the credential is in no page");

        phone.send("Say hello in five words.");
        phone.awaitAnswerStarted(1, ANSWER);
        phone.awaitIdle(ANSWER);
        assertFalse(phone.text(phone.lastAnswer()).isBlank(), "the turn is answered through TURN");

        @SuppressWarnings("unchecked")
        Map<String, Object> pair = (Map<String, Object>) phone.driver.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                + "(async () => {"
                + " const { pc } = window.personaPeerConnections.at(-1);"
                + " const stats = await pc.getStats(); let pair = null;"
                + " stats.forEach((s) => { if (s.type === 'transport' && s.selectedCandidatePairId)"
                + "   pair = stats.get(s.selectedCandidatePairId); });"
                + " if (!pair) return { error: 'no selected candidate pair', state: pc.connectionState };"
                + " const local = stats.get(pair.localCandidateId), remote = stats.get(pair.remoteCandidateId);"
                + " return { local: local.candidateType, localAddress: local.address, relayUrl: local.url ?? '',"
                + "   remote: remote.candidateType, remoteAddress: remote.address, received: pair.bytesReceived };"
                + "})().then(done, (e) => done({ error: String(e) }));");
        assertEquals("relay", pair.get("local"), "the phone's end is its TURN allocation: " + pair);
        assertEquals("relay", pair.get("remote"), "the host's end is its TURN allocation: " + pair);
        assertEquals(coturn.address, pair.get("localAddress"), pair.toString());
        assertEquals(coturn.address, pair.get("remoteAddress"), pair.toString());
        assertTrue(((Number) pair.get("received")).longValue() > 0, "the answer came over this pair: " + pair);
        System.out.println("TURN: selected candidate pair " + pair + "; page start -> data channel open "
                + phone.script("return Math.round(performance.getEntriesByName('persona-channel-open')[0].startTime)")
                + " ms through coturn");

        String log = coturn.logText();
        assertTrue(log.contains(":" + phone.deviceId() + ">"), "coturn allocated for the phone");
        assertTrue(log.contains(":host>"), "and for the host peer");

        String serverLog = Files.readString(host.dataDirectory.resolve("logs/server.log"));
        assertTrue(serverLog.lines().anyMatch(line -> line.contains("WARN") && line.contains(misconfigured.address
                + ":" + misconfigured.port) && line.contains("answered 401")
                && line.contains("PERSONA_PEER_TURN_SECRET equals its static-auth-secret")),
                "the host says which TURN server refused its credentials and what to check");
    }

    @Test
    @Order(3)
    void expiredOrWrongCredentialsAreRefusedWithAClearError() throws Exception {
        long now = Instant.now().getEpochSecond();
        String fresh = (now + TTL_SECONDS) + ":" + phone.deviceId();
        String expired = (now - 60) + ":" + phone.deviceId();
        Map<String, Object> valid = gather(fresh, hmacSha1(SECRET, fresh));
        assertTrue(((Number) valid.get("relay")).intValue() > 0, "control: valid credentials get a relay "
                + "candidate: " + valid);

        for (Map<String, Object> refused : List.of(gather(expired, hmacSha1(SECRET, expired)),
                gather(fresh, hmacSha1(SECRET + "-not-it", fresh)))) {
            assertEquals(0, ((Number) refused.get("relay")).intValue(), "no relay candidate: " + refused);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> errors = (List<Map<String, Object>>) refused.get("errors");
            assertTrue(errors.stream().anyMatch(e -> ((Number) e.get("errorCode")).intValue() == 401
                    && String.valueOf(e.get("url")).startsWith("turn:" + coturn.address)),
                    "coturn answers 401: " + refused);
        }
    }

    /** Gathers candidates in the page with one TURN server and relay only; counts relay candidates and errors. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> gather(String username, String credential) {
        return (Map<String, Object>) phone.driver.executeAsyncScript(
                "const [url, username, credential, done] = arguments;"
                + "const pc = new RTCPeerConnection({ iceServers: [{ urls: url, username, credential }],"
                + "  iceTransportPolicy: 'relay' });"
                + "const result = { relay: 0, errors: [] };"
                + "pc.onicecandidate = (e) => { if (e.candidate?.type === 'relay') result.relay++; };"
                + "pc.onicecandidateerror = (e) => result.errors.push({ errorCode: e.errorCode, "
                + "  errorText: e.errorText, url: e.url });"
                + "const finish = () => { pc.close(); done(result); };"
                + "pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && finish();"
                + "setTimeout(finish, 20000);"
                + "pc.createDataChannel('probe');"
                + "pc.createOffer().then((offer) => pc.setLocalDescription(offer));",
                coturn.udpUrl(), username, credential);
    }

    private static HttpResponse<String> ice(String phoneId, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + host.httpsPort
                + "/ice/" + pairing.hostId() + "?phone=" + phoneId)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Proof " + token);
        }
        return https.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    /** base64(HMAC-SHA1(secret, username)), computed here apart from the host's code. */
    private static String hmacSha1(String secret, String username) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
    }
}

package dev.persona.signaling.peerjs;

import static dev.persona.signaling.peerjs.EmbeddedSignaling.ORIGIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.persona.signaling.SignalingSettings;
import dev.persona.signaling.TestIdentity;
import dev.persona.signaling.registry.Disconnect;
import dev.persona.signaling.registry.MessageSink;
import dev.persona.signaling.registry.MessageType;
import dev.persona.signaling.registry.PeerConnection;
import dev.persona.signaling.registry.SignalingMessage;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The PeerJS protocol over a real WebSocket: the endpoint in an embedded Undertow, the JDK's WebSocket client as the
 * peers. Every message type, every refusal, the limits, the timers, and the reload that replaces a stale socket.
 */
class PeerJsEndpointTest {

    private static final int POLICY = 1008;
    private static final JsonObject OFFER_PAYLOAD = Json.createObjectBuilder()
            .add("sdp", Json.createObjectBuilder().add("type", "offer").add("sdp", "v=0\r\n"))
            .add("type", "data").add("connectionId", "dc_test").add("serialization", "binary").build();

    private EmbeddedSignaling signaling;
    private final List<TestPeer> peers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        peers.forEach(TestPeer::close);
        if (signaling != null) {
            signaling.close();
        }
    }

    // --- admission -------------------------------------------------------------------------------------------

    @Test
    void aKeyIdWithAValidProofIsOpened() throws Exception {
        start(Map.of());
        TestIdentity phone = TestIdentity.random();
        open(phone);
        assertPeerIds(List.of(phone.id()));
    }

    @Test
    void missingParametersAreRefusedAsPeerJsDoes() throws Exception {
        start(Map.of());
        TestIdentity phone = TestIdentity.random();
        String token = phone.token(ORIGIN);
        assertRefused(connect(signaling.socketUri(null, token)), "No id, token, or key supplied to websocket server");
        assertRefused(connect(signaling.socketUri(phone.id(), null)), "No id, token, or key supplied");
        assertRefused(connect(signaling.socketUri(null, phone.id(), token)), "No id, token, or key supplied");
        assertRefused(connect(signaling.socketUri("", token)), "No id, token, or key supplied");
    }

    @Test
    void aWrongKeyIsRefused() throws Exception {
        start(Map.of());
        TestIdentity phone = TestIdentity.random();
        assertRefused(connect(signaling.socketUri("other", phone.id(), phone.token(ORIGIN))), "Invalid key provided");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-dash-first", "two  spaces", "under__scores", "ünïcode",
            "a1234567890123456789012345678901234567890123456789012345678901234"})
    void idsThePeerJsClientWouldRefuseAreRefused(String id) throws Exception {
        start(Map.of(SignalingSettings.ALLOW_NON_KEY_IDS, "true"));
        assertRefused(connect(signaling.socketUri(id, "token")), "Invalid id: an id is at most 64 letters and digits");
    }

    @Test
    void aBrokenKeyIdIsRefusedWithWhatIsWrong() throws Exception {
        start(Map.of(SignalingSettings.ALLOW_NON_KEY_IDS, "true"));
        assertRefused(connect(signaling.socketUri("k1abc", "token")),
                "Not a key id: 'k1abc' has 5 characters, a key id has 54.");
    }

    @Test
    void nonKeyIdsAreRefusedByDefault() throws Exception {
        start(Map.of());
        String uuid = UUID.randomUUID().toString();
        assertRefused(connect(signaling.socketUri(uuid, "token")), "Id " + uuid + " is not a key id, and this "
                + "server accepts only key ids proven by a token");
    }

    @Test
    void aForgedProofIsRefused() throws Exception {
        start(Map.of());
        TestIdentity phone = TestIdentity.random();
        TestIdentity impostor = TestIdentity.random();
        assertRefused(connect(signaling.socketUri(phone.id(), impostor.token(ORIGIN))),
                "Proof signature does not verify: the token was not made with the private key of id " + phone.id());
        assertTrue(signaling.server.registry().peerIds().isEmpty());
    }

    @Test
    void thePeersOfOneSourceAddressAreCountedFromTheUpgradedRequest() throws Exception {
        start(Map.of(SignalingSettings.PEERS_PER_SOURCE, "1"));
        TestIdentity first = TestIdentity.random();
        open(first);
        assertError(connect(TestIdentity.random()), "Too many peers from this address: at most 1 may be connected from"
                + " one address at once.", 1013);
        assertPeerIds(List.of(first.id()));
    }

    @Test
    void aSocketThatDidNotComeThroughTheFilterIsClosed() throws Exception {
        start(Map.of());
        TestIdentity phone = TestIdentity.random();
        URI filtered = signaling.socketUri(phone.id(), phone.token(ORIGIN));
        URI direct = URI.create(filtered.toString().replace(PeerJsEndpoint.PATH + "?",
                UpgradedSockets.PREFIX + "peerjs/" + "0".repeat(32) + "?"));
        TestPeer forged = connect(direct);
        assertEquals(new TestPeer.Closed(POLICY, "Not an upgrade of this host"), forged.awaitClose());
        assertTrue(signaling.server.registry().peerIds().isEmpty());
    }

    @Test
    void anExpiredProofIsRefused() throws Exception {
        start(Map.of());
        TestIdentity phone = TestIdentity.random();
        String old = phone.token(ORIGIN, Instant.now().getEpochSecond() - 200);
        assertRefused(connect(signaling.socketUri(phone.id(), old)), "Proof expired: made at ");
    }

    @Test
    void clockSkewIsAllowedUpToTheSettingAndNoFurther() throws Exception {
        start(Map.of(SignalingSettings.PROOF_CLOCK_SKEW_SECONDS, "30"));
        TestIdentity ahead = TestIdentity.random();
        TestIdentity behind = TestIdentity.random();
        TestIdentity tooFar = TestIdentity.random();
        long now = Instant.now().getEpochSecond();
        open(connect(signaling.socketUri(ahead.id(), ahead.token(ORIGIN, now + 25))));
        open(connect(signaling.socketUri(behind.id(), behind.token(ORIGIN, now - 60 - 25))));
        assertRefused(connect(signaling.socketUri(tooFar.id(), tooFar.token(ORIGIN, now + 40))),
                "ahead of the server clock");
    }

    @Test
    void aProofForAnotherOriginIsRefused() throws Exception {
        start(Map.of());
        TestIdentity phone = TestIdentity.random();
        assertRefused(connect(signaling.socketUri(phone.id(), phone.token("https://impostor.test"))),
                "Proof is for origin https://impostor.test, which is not this server");
    }

    @Test
    void aPlainPeerJsTokenForAKeyIdIsRefused() throws Exception {
        start(Map.of());
        TestIdentity phone = TestIdentity.random();
        assertRefused(connect(signaling.socketUri(phone.id(), "k2j8x0d1q4")), "Malformed proof token: ");
    }

    @Test
    void aReplayedProofIsRefused() throws Exception {
        start(Map.of());
        TestIdentity phone = TestIdentity.random();
        String token = phone.token(ORIGIN);
        TestPeer first = open(connect(signaling.socketUri(phone.id(), token)));
        first.close();
        assertRefused(connect(signaling.socketUri(phone.id(), token)), "Proof was already used");
    }

    @Test
    void aReloadedPageReplacesItsStaleSocketAtOnce() throws Exception {
        start(Map.of());
        TestIdentity phone = TestIdentity.random();
        TestIdentity host = TestIdentity.random();
        TestPeer stale = open(phone);
        TestPeer h = open(host);
        TestPeer reloaded = open(phone);

        JsonObject error = stale.next("ERROR");
        assertEquals(Disconnect.REPLACED.message(), error.getJsonObject("payload").getString("msg"));
        assertEquals(POLICY, stale.awaitClose().code());

        h.send(relay("OFFER", phone.id(), OFFER_PAYLOAD));
        assertEquals(host.id(), reloaded.next("OFFER").getString("src"));
        assertEquals(List.of(phone.id(), host.id()).size(), signaling.server.registry().peerCount());
    }

    // --- relay -----------------------------------------------------------------------------------------------

    @Test
    void everyRelayedTypeArrivesWithTheSenderAsSrc() throws Exception {
        start(Map.of());
        TestIdentity phone = TestIdentity.random();
        TestIdentity host = TestIdentity.random();
        TestPeer p = open(phone);
        TestPeer h = open(host);
        for (String type : List.of("OFFER", "ANSWER", "CANDIDATE", "LEAVE", "EXPIRE")) {
            p.send(Json.createObjectBuilder(relay(type, host.id(), OFFER_PAYLOAD)).add("src", "spoofed").build());
            JsonObject received = h.next(type);
            assertEquals(phone.id(), received.getString("src"), type);
            assertEquals(host.id(), received.getString("dst"), type);
            assertEquals(OFFER_PAYLOAD, received.getJsonObject("payload"), type);
        }
    }

    @Test
    void concurrentSendersToOnePeerLoseNothingAndKeepTheirOrder() throws Exception {
        start(Map.of(SignalingSettings.MESSAGES_PER_SECOND, "100000"));
        TestIdentity host = TestIdentity.random();
        TestPeer h = open(host);
        int senders = 4;
        int perSender = 250;
        List<TestPeer> phones = new ArrayList<>();
        for (int i = 0; i < senders; i++) {
            phones.add(open(TestIdentity.random()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        try {
            for (TestPeer phone : phones) {
                pool.execute(() -> {
                    for (int n = 0; n < perSender; n++) {
                        phone.send(relay("CANDIDATE", host.id(), Json.createObjectBuilder().add("n", n).build()));
                    }
                });
            }
            Map<String, Integer> lastBySender = new HashMap<>();
            for (int i = 0; i < senders * perSender; i++) {
                JsonObject candidate = h.next("CANDIDATE");
                int n = candidate.getJsonObject("payload").getInt("n");
                Integer previous = lastBySender.put(candidate.getString("src"), n);
                assertEquals(previous == null ? 0 : previous + 1, n, "order of " + candidate.getString("src"));
            }
            assertEquals(senders, lastBySender.size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void messagesWaitForAPeerThatIsNotThereYet() throws Exception {
        start(Map.of());
        TestIdentity phone = TestIdentity.random();
        TestIdentity host = TestIdentity.random();
        TestPeer p = open(phone);
        p.send(relay("OFFER", host.id(), OFFER_PAYLOAD));
        p.send(relay("CANDIDATE", host.id(), JsonValue.EMPTY_JSON_OBJECT));
        TestPeer h = open(host);
        assertEquals(phone.id(), h.next("OFFER").getString("src"));
        h.next("CANDIDATE");
    }

    @Test
    void theSenderGetsExpireWhenThePeerNeverComes() throws Exception {
        start(Map.of(SignalingSettings.EXPIRE_TIMEOUT_MS, "300"));
        TestIdentity phone = TestIdentity.random();
        String absent = TestIdentity.random().id();
        TestPeer p = open(phone);
        p.send(relay("OFFER", absent, OFFER_PAYLOAD));
        p.send(relay("CANDIDATE", absent, JsonValue.EMPTY_JSON_OBJECT));
        JsonObject expire = p.next("EXPIRE");
        assertEquals(absent, expire.getString("src"));
        assertEquals(phone.id(), expire.getString("dst"));
        assertFalse(expire.containsKey("payload"));
        p.expectNothingFor(Duration.ofMillis(500));
    }

    @Test
    void leaveAndExpireForAbsentPeersAreDropped() throws Exception {
        start(Map.of(SignalingSettings.EXPIRE_TIMEOUT_MS, "200"));
        TestPeer p = open(TestIdentity.random());
        p.send(relay("LEAVE", "nobody", null));
        p.send(relay("EXPIRE", "nobody", null));
        p.expectNothingFor(Duration.ofMillis(600));
        assertTrue(p.isOpen());
    }

    @Test
    void heartbeatsKeepAPeerAndSilentPeersAreDropped() throws Exception {
        // 1.5 s: a beat every 100 ms keeps the peer even when a loaded machine stalls the test for a second.
        start(Map.of(SignalingSettings.ALIVE_TIMEOUT_MS, "1500"));
        TestIdentity beating = TestIdentity.random();
        TestIdentity other = TestIdentity.random();
        TestPeer b = open(beating);
        TestPeer silent = open(TestIdentity.random());
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3200);
        while (System.nanoTime() < end) {
            b.send("{\"type\":\"HEARTBEAT\"}");
            Thread.sleep(100);
        }
        assertEquals(new TestPeer.Closed(1001, "No heartbeat"), silent.awaitClose());
        assertTrue(b.isOpen());
        TestPeer o = open(other);
        b.send(relay("OFFER", other.id(), OFFER_PAYLOAD));
        o.next("OFFER");
    }

    @Test
    void unknownTypesAndMessagesWithoutDestinationAreIgnored() throws Exception {
        start(Map.of());
        TestIdentity host = TestIdentity.random();
        TestPeer p = open(TestIdentity.random());
        TestPeer h = open(host);
        p.send("{\"type\":\"HELLO\",\"dst\":\"" + host.id() + "\"}");
        p.send("{\"type\":\"OPEN\",\"dst\":\"" + host.id() + "\"}");
        p.send("{\"type\":\"OFFER\",\"payload\":{}}");
        p.send(relay("ANSWER", host.id(), JsonValue.EMPTY_JSON_OBJECT));
        h.next("ANSWER");
        h.expectNothingFor(Duration.ofMillis(200));
        assertTrue(p.isOpen());
    }

    @Test
    void leaveWithoutDestinationEndsTheSession() throws Exception {
        start(Map.of());
        TestIdentity phone = TestIdentity.random();
        TestPeer p = open(phone);
        p.send("{\"type\":\"LEAVE\"}");
        assertEquals(new TestPeer.Closed(1000, "Left"), p.awaitClose());
        assertPeerIds(List.of());
    }

    @Test
    void anInProcessPeerTalksWithAPhoneThroughTheSameRegistry() throws Exception {
        start(Map.of());
        TestIdentity persona = TestIdentity.random();
        TestIdentity phone = TestIdentity.random();
        BlockingQueue<SignalingMessage> hostInbox = new LinkedBlockingQueue<>();
        PeerConnection host = signaling.server.registry().attachLocalPeer(persona.keyId(), connection ->
                new MessageSink() {
                    @Override
                    public boolean deliver(SignalingMessage message) {
                        return hostInbox.add(message);
                    }

                    @Override
                    public void disconnected(Disconnect reason) {
                        hostInbox.add(SignalingMessage.fromServer(MessageType.ERROR, null));
                    }
                });
        assertEquals(MessageType.OPEN, hostInbox.poll(5, TimeUnit.SECONDS).type());

        TestPeer p = open(phone);
        p.send(relay("OFFER", persona.id(), OFFER_PAYLOAD));
        SignalingMessage offer = hostInbox.poll(5, TimeUnit.SECONDS);
        assertEquals(new SignalingMessage(MessageType.OFFER, phone.id(), persona.id(), OFFER_PAYLOAD), offer);

        host.send(MessageType.ANSWER, phone.id(), Json.createObjectBuilder().add("connectionId", "dc_test").build());
        JsonObject answer = p.next("ANSWER");
        assertEquals(persona.id(), answer.getString("src"));
        assertEquals("dc_test", answer.getJsonObject("payload").getString("connectionId"));
    }

    // --- protocol errors and limits --------------------------------------------------------------------------

    @Test
    void malformedMessagesGetErrorAndCloseOthersKeepWorking() throws Exception {
        start(Map.of());
        TestIdentity host = TestIdentity.random();
        TestPeer h = open(host);
        TestPeer bystander = open(TestIdentity.random());
        for (String[] bad : new String[][] {
                {"this is not json", "Malformed message: not JSON text."},
                {"", "Malformed message: not JSON text."},
                {"{\"type\":\"OFFER\",", "Malformed message: not JSON text."},
                {"[1,2,3]", "Malformed message: expected a JSON object."},
                {"{\"dst\":\"x\"}", "Malformed message: expected a string \"type\"."},
                {"{\"type\":\"OFFER\",\"dst\":42}", "Malformed message: \"dst\" must be a peer id string."}}) {
            TestPeer p = open(TestIdentity.random());
            p.send(bad[0]);
            assertError(p, bad[1], POLICY);
        }
        bystander.send(relay("OFFER", host.id(), OFFER_PAYLOAD));
        h.next("OFFER");
    }

    @Test
    void binaryFramesGetErrorAndClose() throws Exception {
        start(Map.of());
        TestPeer p = open(TestIdentity.random());
        p.sendBinary(new byte[] {1, 2, 3});
        assertError(p, "Binary messages are not part of the PeerJS protocol; send JSON text.", 1003);
    }

    @Test
    void aMessageOverTheSizeLimitClosesOnlyItsSender() throws Exception {
        start(Map.of(SignalingSettings.MAX_MESSAGE_BYTES, "1024"));
        TestIdentity host = TestIdentity.random();
        TestPeer h = open(host);
        TestPeer big = open(TestIdentity.random());
        TestPeer huge = open(TestIdentity.random());
        TestPeer fine = open(TestIdentity.random());
        big.send(relay("OFFER", host.id(), Json.createObjectBuilder().add("sdp", "x".repeat(1100)).build()));
        assertError(big, "Message too large: more than 1024 bytes.", 1009);
        huge.send(relay("OFFER", host.id(), Json.createObjectBuilder().add("sdp", "é".repeat(1 << 20)).build()));
        assertError(huge, "Message too large: more than 1024 bytes.", 1009);
        fine.send(relay("OFFER", host.id(), Json.createObjectBuilder().add("sdp", "x".repeat(900)).build()));
        h.next("OFFER");
        h.expectNothingFor(Duration.ofMillis(100));
    }

    @Test
    void aPeerOverTheMessageRateIsClosedOthersKeepWorking() throws Exception {
        start(Map.of(SignalingSettings.MESSAGES_PER_SECOND, "5"));
        TestIdentity host = TestIdentity.random();
        TestPeer h = open(host);
        TestPeer flooder = open(TestIdentity.random());
        TestPeer calm = open(TestIdentity.random());
        for (int i = 0; i < 20 && flooder.isOpen(); i++) {
            flooder.send("{\"type\":\"HEARTBEAT\"}");
        }
        assertError(flooder, "Too many messages: more than 5 per second.", POLICY);
        calm.send(relay("OFFER", host.id(), OFFER_PAYLOAD));
        h.next("OFFER");
    }

    @Test
    void aPeerOverflowingAnAbsentPeersQueueIsClosed() throws Exception {
        start(Map.of(SignalingSettings.QUEUED_MESSAGES_PER_PEER, "3"));
        String absent = TestIdentity.random().id();
        TestPeer p = open(TestIdentity.random());
        for (int i = 0; i < 4; i++) {
            p.send(relay("CANDIDATE", absent, JsonValue.EMPTY_JSON_OBJECT));
        }
        assertError(p, "Too many messages waiting for peer " + absent + ", which is not connected: at most 3 may "
                + "wait.", POLICY);
    }

    @Test
    void theConcurrentLimitRefusesNewPeersButNotReloads() throws Exception {
        start(Map.of(SignalingSettings.CONCURRENT_LIMIT, "2"));
        TestIdentity phone = TestIdentity.random();
        TestIdentity host = TestIdentity.random();
        TestPeer p = open(phone);
        open(host);
        TestPeer third = connect(TestIdentity.random());
        assertEquals("Server has reached its concurrent user limit",
                third.next("ERROR").getJsonObject("payload").getString("msg"));
        assertEquals(1013, third.awaitClose().code());
        TestPeer reloadedHost = open(host);
        p.send(relay("OFFER", host.id(), OFFER_PAYLOAD));
        reloadedHost.next("OFFER");
    }

    // --- ids that are not keys, when allowed -----------------------------------------------------------------

    @Test
    void nonKeyIdsFollowPeerJsTokenRulesWhenAllowed() throws Exception {
        start(Map.of(SignalingSettings.ALLOW_NON_KEY_IDS, "true"));
        TestIdentity phone = TestIdentity.random();
        TestPeer first = open(connect(signaling.socketUri("kitchen-display", "abc123")));
        TestPeer sameToken = connect(signaling.socketUri("kitchen-display", "abc123"));
        sameToken.expectNothingFor(Duration.ofMillis(200));
        first.next("ERROR");

        TestPeer otherToken = connect(signaling.socketUri("kitchen-display", "xyz789"));
        assertEquals(Json.createObjectBuilder().add("type", "ID-TAKEN")
                .add("payload", Json.createObjectBuilder().add("msg", "ID is taken")).build(), otherToken.next());
        assertEquals(POLICY, otherToken.awaitClose().code());

        TestPeer p = open(phone);
        p.send(relay("OFFER", "kitchen-display", OFFER_PAYLOAD));
        assertEquals(phone.id(), sameToken.next("OFFER").getString("src"));
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private void start(Map<String, String> settings) throws Exception {
        signaling = EmbeddedSignaling.start(settings);
    }

    private TestPeer connect(URI uri) {
        TestPeer peer = TestPeer.connect(uri);
        peers.add(peer);
        return peer;
    }

    private TestPeer connect(TestIdentity identity) {
        return connect(signaling.socketUri(identity.id(), identity.token(ORIGIN)));
    }

    private TestPeer open(TestIdentity identity) throws Exception {
        return open(connect(identity));
    }

    private static TestPeer open(TestPeer peer) throws Exception {
        assertEquals(Json.createObjectBuilder().add("type", "OPEN").build(), peer.next());
        return peer;
    }

    /**
     * The registry holds exactly {@code expected}, waiting up to 5 s: the socket thread delivers OPEN (or the close)
     * just before it updates the registry, so the client can see it a moment earlier.
     */
    private void assertPeerIds(List<String> expected) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(5);
        while (!signaling.server.registry().peerIds().equals(expected) && Instant.now().isBefore(deadline)) {
            Thread.sleep(10);
        }
        assertEquals(expected, signaling.server.registry().peerIds());
    }

    private static JsonObject relay(String type, String dst, JsonObject payload) {
        var message = Json.createObjectBuilder().add("type", type).add("dst", dst);
        if (payload != null) {
            message.add("payload", payload);
        }
        return message.build();
    }

    /** A refused connection: ERROR whose message contains {@code messagePart}, then a policy close. */
    private static void assertRefused(TestPeer peer, String messagePart) throws Exception {
        JsonObject error = peer.next("ERROR");
        String msg = error.getJsonObject("payload").getString("msg");
        assertTrue(msg.contains(messagePart), msg);
        assertEquals(POLICY, peer.awaitClose().code());
    }

    private static void assertError(TestPeer peer, String message, int closeCode) throws Exception {
        assertEquals(message, peer.next("ERROR").getJsonObject("payload").getString("msg"));
        assertEquals(closeCode, peer.awaitClose().code());
    }
}

package dev.persona.it;

import dev.persona.testkit.Directories;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.persona.testkit.PersonaHost;
import jakarta.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Differential test against the server we are compatible with: the same scripted sessions of raw WebSocket clients
 * run against Node's {@code peer@1.0.2} (from npm, started here) and against our signaling in the deployed EAR, and
 * must produce the same frames, id for id once ids are replaced by the script's names for them. Where we differ on
 * purpose (docs/signaling.md, "Differences from peer@1.0.2"), the session asserts each server's own transcript, so
 * that a difference nobody documented fails as surely as a broken relay. Both servers run with the same settings:
 * non-key ids allowed (as peer has them), discovery on, peers dropped after 4 s of silence, messages for absent
 * peers expired after 5 s. Key ids come with real proofs, which peer ignores.
 */
class SignalingDifferentialIT {

    private static final long ALIVE_TIMEOUT_MS = 4000;
    private static PersonaHost host;
    private static Process reference;
    private static SignalingSession.Server peerServer;
    private static SignalingSession.Server ourServer;

    @BeforeAll
    static void startBothServers() throws Exception {
        host = new PersonaHost(Path.of("target/it-data/signaling-differential").toAbsolutePath())
                .with("PERSONA_SIGNALING_ALLOW_NON_KEY_IDS", "true")
                .with("PERSONA_SIGNALING_ALLOW_DISCOVERY", "true")
                .with("PERSONA_SIGNALING_ALIVE_TIMEOUT_MS", Long.toString(ALIVE_TIMEOUT_MS))
                .with("PERSONA_SIGNALING_EXPIRE_TIMEOUT_MS", "5000");
        Directories.deleteRecursively(host.dataDirectory);
        host.start();
        String origin = "https://127.0.0.1:" + host.httpsPort;
        ourServer = new SignalingSession.Server("ours", origin, "wss://127.0.0.1:" + host.httpsPort,
                HttpClient.newBuilder().sslContext(host.trustingOnlyTheHostCa())
                        .connectTimeout(Duration.ofSeconds(5)).build(), origin);

        TestNpmPackages.module("peer", "1.0.2");
        reference = new ProcessBuilder("node", "peer-server.cjs", "{\"alive_timeout\":" + ALIVE_TIMEOUT_MS
                + ",\"expire_timeout\":5000,\"allow_discovery\":true}")
                .directory(TestNpmPackages.DIRECTORY.toFile()).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(reference.getInputStream(),
                StandardCharsets.UTF_8));
        String ready = out.readLine();
        assertTrue(ready != null && ready.startsWith("READY "), "peer@1.0.2 did not start: " + ready);
        int port = Integer.parseInt(ready.substring("READY ".length()));
        Thread log = new Thread(() -> out.lines().forEach(line -> System.out.println("[peer@1.0.2] " + line)));
        log.setDaemon(true);
        log.start();
        // HTTP/1.1: the JDK client's default h2c upgrade header on plain HTTP would reach peer's WebSocket server.
        peerServer = new SignalingSession.Server("peer@1.0.2", "http://127.0.0.1:" + port,
                "ws://127.0.0.1:" + port, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build(), origin);
    }

    @AfterAll
    static void stopBothServers() throws Exception {
        if (reference != null) {
            reference.getOutputStream().close();
            if (!reference.waitFor(10, TimeUnit.SECONDS)) {
                reference.destroyForcibly();
            }
        }
        if (host != null) {
            host.stop();
        }
    }

    /** Runs {@code script} against both servers; the transcripts must be the same. */
    private static void sameOnBoth(Script script) throws Exception {
        List<String> expected = run(peerServer, script);
        List<String> actual = run(ourServer, script);
        assertEquals(String.join("\n", expected), String.join("\n", actual),
                "our frames differ from peer@1.0.2's for the same session");
        assertTrue(expected.size() > 1, "the session did something: " + expected);
    }

    private static List<String> run(SignalingSession.Server server, Script script) throws Exception {
        try (SignalingSession session = new SignalingSession(server)) {
            script.run(session);
            return session.transcript();
        }
    }

    private interface Script {
        void run(SignalingSession session) throws Exception;
    }

    private static String offerPayload() {
        // As JSON.stringify writes it (peerjs's client does): compact, members in order.
        return "{\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\\r\\no=- 4611 2 IN IP4 127.0.0.1\\r\\n\"},\"type\":\"data\","
                + "\"connectionId\":\"dc_x1\",\"label\":\"dc_x1\",\"metadata\":{\"n\":[1,2.5,-3,true,null]},"
                + "\"reliable\":true,\"serialization\":\"binary\",\"é\":\"ü €\"}";
    }

    @Test
    void openAndRelayOfEveryTypeWithTheServerSettingSrc() throws Exception {
        sameOnBoth(s -> {
            var alice = s.connect("alice", s.keyId("alice"));
            var bob = s.connect("bob", s.keyId("bob"));
            s.await("open", Map.of(alice, 1, bob, 1));
            // A claimed src and a member of its own: the server sets src and relays type, src, dst, payload only.
            alice.send("{\"type\":\"OFFER\",\"src\":\"mallory\",\"extra\":1,\"dst\":\"" + s.id("bob")
                    + "\",\"payload\":" + offerPayload() + "}");
            s.await("offer", Map.of(bob, 1));
            bob.send("{\"type\":\"ANSWER\",\"dst\":\"" + s.id("alice") + "\",\"payload\":{\"sdp\":{\"type\":"
                    + "\"answer\",\"sdp\":\"v=0\\r\\n\"},\"type\":\"data\",\"connectionId\":\"dc_x1\"}}");
            s.await("answer", Map.of(alice, 1));
            alice.send("{\"type\":\"CANDIDATE\",\"dst\":\"" + s.id("bob") + "\",\"payload\":{\"candidate\":"
                    + "{\"candidate\":\"candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host\",\"sdpMid\":\"0\","
                    + "\"sdpMLineIndex\":0},\"type\":\"data\",\"connectionId\":\"dc_x1\"}}");
            s.await("candidate", Map.of(bob, 1));
            bob.send("{\"type\":\"EXPIRE\",\"dst\":\"" + s.id("alice") + "\"}");
            bob.send("{\"type\":\"LEAVE\",\"dst\":\"" + s.id("alice") + "\",\"payload\":null}");
            s.await("expire and leave", Map.of(alice, 2));
            // Ignored by both: HEARTBEAT, a type no server knows, a relayed type without dst.
            alice.send("{\"type\":\"HEARTBEAT\"}");
            alice.send("{\"type\":\"PING\",\"dst\":\"" + s.id("bob") + "\"}");
            alice.send("{\"type\":\"OFFER\",\"payload\":{}}");
            bob.send("{\"type\":\"CANDIDATE\",\"dst\":\"" + s.id("alice") + "\",\"payload\":\"still relayed\"}");
            s.await("ignored, then one more", Map.of(alice, 1));
        });
    }

    @Test
    void messagesForAnAbsentPeerWaitAndArriveAfterItsOpen() throws Exception {
        sameOnBoth(s -> {
            var alice = s.connect("alice", s.keyId("alice"));
            s.await("open", Map.of(alice, 1));
            s.keyId("carol");
            alice.send("{\"type\":\"OFFER\",\"dst\":\"" + s.id("carol") + "\",\"payload\":{\"n\":1}}");
            alice.send("{\"type\":\"CANDIDATE\",\"dst\":\"" + s.id("carol") + "\",\"payload\":{\"n\":2}}");
            alice.send("{\"type\":\"LEAVE\",\"dst\":\"" + s.id("carol") + "\"}");
            alice.send("{\"type\":\"EXPIRE\",\"dst\":\"" + s.id("carol") + "\"}");
            s.quiet("nothing for the sender", Duration.ofSeconds(1));
            var carol = s.connect("carol", s.id("carol"));
            s.await("carol gets OPEN, then what waited (LEAVE and EXPIRE did not wait)", Map.of(carol, 3));
        });
    }

    @Test
    void messagesForAPeerThatNeverComesExpireWithOneExpirePerSender() throws Exception {
        sameOnBoth(s -> {
            var alice = s.connect("alice", s.keyId("alice"));
            var bob = s.connect("bob", s.plainId("bob"), "bob-token");
            s.await("open", Map.of(alice, 1, bob, 1));
            s.keyId("dave");
            alice.send("{\"type\":\"OFFER\",\"dst\":\"" + s.id("dave") + "\",\"payload\":{\"n\":1}}");
            alice.send("{\"type\":\"CANDIDATE\",\"dst\":\"" + s.id("dave") + "\",\"payload\":{\"n\":2}}");
            bob.send("{\"type\":\"ANSWER\",\"dst\":\"" + s.id("dave") + "\",\"payload\":{\"n\":3}}");
            s.awaitFor("after the expire timeout", Map.of(alice, 1, bob, 1), Duration.ofSeconds(20));
            s.quiet("and no more", Duration.ofSeconds(2));
            var dave = s.connect("dave", s.id("dave"));
            s.await("dave finds nothing waiting", Map.of(dave, 1));
        });
    }

    @Test
    void aSilentPeerIsDroppedAndOneThatSendsHeartbeatsStays() throws Exception {
        sameOnBoth(s -> {
            var alice = s.connect("alice", s.keyId("alice"));
            var silent = s.connectSilent("silent", s.keyId("silent"));
            s.await("open", Map.of(alice, 1, silent, 1));
            s.awaitFor("the silent peer is closed after the alive timeout", Map.of(silent, 1),
                    Duration.ofMillis(ALIVE_TIMEOUT_MS * 6));
            s.note("registered after that: " + s.listedPeers());
            var bob = s.connect("bob", s.keyId("bob"));
            s.await("open", Map.of(bob, 1));
            bob.send("{\"type\":\"CANDIDATE\",\"dst\":\"" + s.id("alice") + "\",\"payload\":{\"n\":2}}");
            s.await("alice, who sent heartbeats, is still there", Map.of(alice, 1));
            // The close code is a documented difference: peer closes without one (1005), we say 1001 No heartbeat.
            s.note("closed as documented: " + (silent.closeCode == (s.server() == ourServer ? 1001 : 1005)));
        });
    }

    @Test
    void aPlainIdHeldWithAnotherTokenIsTaken() throws Exception {
        sameOnBoth(s -> {
            var first = s.connect("first", s.plainId("plain"), "token-one");
            s.await("open", Map.of(first, 1));
            var second = s.connect("second", s.id("plain"), "token-two");
            s.await("ID-TAKEN and close", Map.of(second, 2));
            var bob = s.connect("bob", s.keyId("bob"));
            s.await("open", Map.of(bob, 1));
            bob.send("{\"type\":\"OFFER\",\"dst\":\"" + s.id("plain") + "\",\"payload\":{\"n\":1}}");
            s.await("the first holder still gets its messages", Map.of(first, 1));
        });
    }

    @Test
    void refusalsBeforeOpenAreTheSame() throws Exception {
        sameOnBoth(s -> {
            var noId = s.connectWithQuery("no-id", "key=peerjs&token=t");
            var noToken = s.connectWithQuery("no-token", "key=peerjs&id=" + s.plainId("a"));
            var noKey = s.connectWithQuery("no-key", "id=" + s.plainId("b") + "&token=t");
            var emptyId = s.connectWithQuery("empty-id", "key=peerjs&id=&token=t");
            var wrongKey = s.connectWithQuery("wrong-key", "key=other&id=" + s.plainId("c") + "&token=t");
            s.await("ERROR and close", Map.of(noId, 2, noToken, 2, noKey, 2, emptyId, 2, wrongKey, 2));
        });
    }

    @Test
    void restCallsAnswerTheSame() throws Exception {
        sameOnBoth(s -> {
            HttpResponse<String> id = s.get("/peerjs/id");
            s.note("GET /peerjs/id " + id.statusCode() + " "
                    + (id.body().matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
                    ? "uuid v4" : id.body()));
            var alice = s.connect("alice", s.keyId("alice"));
            var bob = s.connect("bob", s.plainId("bob"), "t");
            s.await("open", Map.of(alice, 1, bob, 1));
            // Only this session's ids: our host's own personas are peers of its signaling too (docs/signaling.md).
            s.note("GET /peerjs/peers lists " + s.listedPeers());
        });
    }

    // --- deliberate differences (docs/signaling.md): each server's own transcript, asserted ------------------

    @Test
    void aKeyIdProvenAgainReplacesTheOldSocketWherePeerSaysIdTaken() throws Exception {
        Script script = s -> {
            var old = s.connect("old", s.keyId("alice"));
            s.await("open", Map.of(old, 1));
            var fresh = s.connect("new", s.id("alice"));
            s.await("reconnect with a fresh proof", Map.of(s.server() == ourServer ? old : fresh, 2));
        };
        assertEquals(List.of(
                "open: old <- {\"type\":\"OPEN\"}",
                "reconnect with a fresh proof: new <- {\"type\":\"ID-TAKEN\",\"payload\":{\"msg\":\"ID is taken\"}}",
                "reconnect with a fresh proof: new <- closed"), run(peerServer, script));
        assertEquals(List.of(
                "open: old <- {\"type\":\"OPEN\"}",
                "reconnect with a fresh proof: old <- {\"type\":\"ERROR\",\"payload\":{\"msg\":\"Another connection "
                        + "took over this id; this one is closed.\"}}",
                "reconnect with a fresh proof: old <- closed",
                "reconnect with a fresh proof: new <- {\"type\":\"OPEN\"}"), run(ourServer, script));
    }

    @Test
    void theSameTokenTakesAPlainIdOverAndWeCloseTheOldSocket() throws Exception {
        Script script = s -> {
            var old = s.connect("old", s.plainId("plain"), "same-token");
            s.await("open", Map.of(old, 1));
            var fresh = s.connect("new", s.id("plain"), "same-token");
            s.quiet("take-over", Duration.ofSeconds(1));
            var bob = s.connect("bob", s.keyId("bob"));
            s.await("open", Map.of(bob, 1));
            bob.send("{\"type\":\"OFFER\",\"dst\":\"" + s.id("plain") + "\",\"payload\":{\"n\":1}}");
            s.await("messages go to the new socket", Map.of(fresh, 1));
        };
        assertEquals(List.of(
                "open: old <- {\"type\":\"OPEN\"}",
                "open: bob <- {\"type\":\"OPEN\"}",
                "messages go to the new socket: new <- {\"type\":\"OFFER\",\"src\":\"<bob>\",\"dst\":\"<plain>\","
                        + "\"payload\":{\"n\":1}}"), run(peerServer, script));
        assertEquals(List.of(
                "open: old <- {\"type\":\"OPEN\"}",
                "take-over: old <- {\"type\":\"ERROR\",\"payload\":{\"msg\":\"Another connection took over this id; "
                        + "this one is closed.\"}}",
                "take-over: old <- closed",
                "open: bob <- {\"type\":\"OPEN\"}",
                "messages go to the new socket: new <- {\"type\":\"OFFER\",\"src\":\"<bob>\",\"dst\":\"<plain>\","
                        + "\"payload\":{\"n\":1}}"), run(ourServer, script));
    }

    @Test
    void framesPeerIgnoresGetErrorAndACloseFromUs() throws Exception {
        Script script = s -> {
            var alice = s.connect("alice", s.keyId("alice"));
            var bob = s.connect("bob", s.keyId("bob"));
            var carol = s.connect("carol", s.keyId("carol"));
            s.await("open", Map.of(alice, 1, bob, 1, carol, 1));
            alice.send("this is not JSON");
            bob.send("{\"type\":\"OFFER\",\"dst\":42}");
            carol.send("{\"type\":\"LEAVE\"}");
            if (s.server() == ourServer) {
                s.await("broken frames, and LEAVE without dst", Map.of(alice, 2, bob, 2, carol, 1));
            } else {
                s.quiet("broken frames, and LEAVE without dst", Duration.ofSeconds(1));
            }
            s.note("registered after that: " + s.listedPeers());
        };
        assertEquals(List.of(
                "open: alice <- {\"type\":\"OPEN\"}",
                "open: bob <- {\"type\":\"OPEN\"}",
                "open: carol <- {\"type\":\"OPEN\"}",
                "registered after that: [alice, bob]"), run(peerServer, script));
        assertEquals(List.of(
                "open: alice <- {\"type\":\"OPEN\"}",
                "open: bob <- {\"type\":\"OPEN\"}",
                "open: carol <- {\"type\":\"OPEN\"}",
                "broken frames, and LEAVE without dst: alice <- {\"type\":\"ERROR\",\"payload\":{\"msg\":\"Malformed "
                        + "message: not JSON text.\"}}",
                "broken frames, and LEAVE without dst: alice <- closed",
                "broken frames, and LEAVE without dst: bob <- {\"type\":\"ERROR\",\"payload\":{\"msg\":\"Malformed "
                        + "message: \\\"dst\\\" must be a peer id string.\"}}",
                "broken frames, and LEAVE without dst: bob <- closed",
                "broken frames, and LEAVE without dst: carol <- closed",
                "registered after that: []"), run(ourServer, script));
    }

    @Test
    void aPayloadIsRelayedAsItsTextWherePeerWritesItAgain() throws Exception {
        String sent = "{ \"sdp\" : \"caf\\u00e9\" ,\"list\":[ 1, 2 ] }";
        Script script = s -> {
            var alice = s.connect("alice", s.keyId("alice"));
            var bob = s.connect("bob", s.keyId("bob"));
            s.await("open", Map.of(alice, 1, bob, 1));
            alice.send("{\"type\":\"OFFER\",\"dst\":\"" + s.id("bob") + "\",\"payload\":" + sent + "}");
            s.await("relayed", Map.of(bob, 1));
        };
        String relayedByPeer = run(peerServer, script).get(2);
        String relayedByUs = run(ourServer, script).get(2);
        assertEquals("relayed: bob <- {\"type\":\"OFFER\",\"src\":\"<alice>\",\"dst\":\"<bob>\",\"payload\":"
                + "{\"sdp\":\"café\",\"list\":[1,2]}}", relayedByPeer);
        assertEquals("relayed: bob <- {\"type\":\"OFFER\",\"src\":\"<alice>\",\"dst\":\"<bob>\",\"payload\":" + sent
                + "}", relayedByUs);
        String prefix = "relayed: bob <- ";
        assertEquals(Json.createReader(new StringReader(relayedByPeer.substring(prefix.length()))).readObject(),
                Json.createReader(new StringReader(relayedByUs.substring(prefix.length()))).readObject(),
                "the same JSON value");
    }
}

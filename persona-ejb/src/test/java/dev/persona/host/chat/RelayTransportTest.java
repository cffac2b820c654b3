package dev.persona.host.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.persona.host.handshake.HandshakeTranscript;
import dev.persona.peer.HostPeerSettings;
import dev.persona.settings.SettingSource;
import dev.persona.signaling.identity.KeyId;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The relay transport carries the chat's one session code (the handshake, admission, turns) with the host peer's
 * limits: handshake-sized messages, the handshake deadline, the cap of unproven sockets per source address, and
 * the most sessions at once.
 */
class RelayTransportTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ChatFixture host = new ChatFixture();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final HostPeerSettings limits = HostPeerSettings.from(SettingSource.of(Map.of(
            "persona.peer.max.unproven.per.address", "2", "persona.peer.handshake.timeout.ms", "1000",
            "persona.peer.max.sessions", "5")));
    private final RelayPlaces places = new RelayPlaces(limits.maxSessions(), limits.handshake().maxPerAddress());

    @AfterEach
    void stopTimers() {
        timers.shutdownNow();
    }

    /** A relay socket as the web's endpoint is: what the chat sends, and a close that the transport then hears. */
    private static final class Socket implements RelaySocket {
        final Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(RANDOM);
        final String phoneId = KeyId.of(key.generatePublicKey().getEncoded()).toString();
        final List<JsonObject> heard = new ArrayList<>();
        final CountDownLatch closed = new CountDownLatch(1);
        volatile Boolean violation;
        volatile String reason;
        RelayTransport transport;

        @Override
        public synchronized boolean send(String message) {
            if (violation != null) {
                return false;
            }
            heard.add(Json.createReader(new StringReader(message)).readObject());
            return true;
        }

        @Override
        public void close(boolean violation, String reason) {
            synchronized (this) {
                if (this.violation != null) {
                    return;
                }
                this.violation = violation;
                this.reason = reason;
            }
            if (transport != null) {
                transport.closed();
            }
            closed.countDown();
        }

        synchronized JsonObject last() {
            return heard.get(heard.size() - 1);
        }
    }

    private Socket open(String address) {
        Socket socket = new Socket();
        socket.transport = RelayTransport.open(host.chat.connect(host.persona, socket.phoneId), socket, limits,
                places, address, Runnable::run, timers);
        return socket;
    }

    /** hello, the host's welcome (its signature checked), proof signed by {@code signer}; returns the decision. */
    private JsonObject handshake(Socket socket, Ed25519PrivateKeyParameters signer) {
        byte[] challenge = new byte[32];
        RANDOM.nextBytes(challenge);
        String hostId = host.persona.keyId().toString();
        socket.transport.received(Json.createObjectBuilder().add("type", "hello").add("v", 1).add("host", hostId)
                .add("device", socket.phoneId).add("challenge", b64(challenge)).add("invite", "invite-1")
                .build().toString());
        JsonObject welcome = socket.last();
        assertEquals("welcome", welcome.getString("type"), welcome.toString());
        byte[] hostChallenge = Base64.getUrlDecoder().decode(welcome.getString("challenge"));
        Ed25519Signer sign = new Ed25519Signer();
        sign.init(true, signer);
        byte[] statement = HandshakeTranscript.phoneStatement(hostId, socket.phoneId, challenge, hostChallenge);
        sign.update(statement, 0, statement.length);
        socket.transport.received(Json.createObjectBuilder().add("type", "proof")
                .add("signature", b64(sign.generateSignature())).build().toString());
        return socket.last();
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Test
    void theHandshakeAndATurnRunOnTheRelayAsOnTheDataChannelAndTheConsoleSeesTheTransport() {
        Socket socket = open("192.0.2.7");
        assertEquals(List.of(LiveSessions.Transport.RELAY), host.chat.liveSessions().list().stream()
                .map(LiveSessions.LiveSession::transport).toList());

        assertEquals("admitted", handshake(socket, socket.key).getString("type"));
        socket.transport.received(Json.createObjectBuilder().add("type", "chat").add("id", "t1")
                .add("text", "Hello").build().toString());
        assertEquals("accepted", socket.last().getString("type"));
        host.model.last().tokens("Hi").complete(3, 1);
        assertEquals("done", socket.last().getString("type"), socket.heard.toString());
        assertEquals(1, host.conversations.messages.size(), "the turn is stored as on the data channel");

        socket.transport.closed();
        assertTrue(host.chat.liveSessions().list().isEmpty(), "the session ends with its socket");
    }

    @Test
    void aProofOfAnotherKeyThanTheSocketNamedIsRefusedAndTheSocketClosed() {
        Socket socket = open("192.0.2.7");
        JsonObject error = handshake(socket, new Ed25519PrivateKeyParameters(RANDOM));
        assertEquals("error", error.getString("type"));
        assertEquals("bad-signature", error.getString("code"));
        assertEquals(Boolean.FALSE, socket.violation, "the session closes the socket as on the data channel");
        assertTrue(host.chat.liveSessions().list().isEmpty());
    }

    @Test
    void beforeTheHandshakeOnlyHandshakeSizedMessagesAreTakenAfterItFullSizedOnes() {
        Socket early = open("192.0.2.7");
        early.transport.received("{\"type\":\"hello\",\"pad\":\"" + "x".repeat(limits.handshake().maxBytes()) + "\"}");
        assertEquals(Boolean.TRUE, early.violation, "a handshake-time message above the limit closes the socket");
        assertTrue(early.heard.isEmpty(), "and never reaches the session");

        Socket proven = open("192.0.2.7");
        assertEquals("admitted", handshake(proven, proven.key).getString("type"));
        proven.transport.received("{\"type\":\"nonsense\",\"pad\":\"" + "x".repeat(limits.handshake().maxBytes())
                + "\"}");
        assertEquals("unknown-type", proven.last().getString("code"), "a larger message reaches the session now");
        assertNull(proven.violation);
        proven.transport.received("x".repeat(limits.maxMessageBytes() + 1));
        assertEquals("too-large", proven.last().getString("code"));
        assertNull(proven.violation, "the session goes on after a too-large message, as on the data channel");
    }

    @Test
    void eachAddressHasTheCapOfUnprovenSocketsAProvenOneFreesItsPlace() {
        Socket first = open("192.0.2.7");
        Socket second = open("192.0.2.7");
        assertNull(first.violation);
        assertNull(second.violation);
        Socket third = open("192.0.2.7");
        assertNull(third.transport, "the third unproven socket of one address is refused");
        assertEquals(Boolean.TRUE, third.violation);
        Socket elsewhere = open("198.51.100.1");
        assertNotNull(elsewhere.transport, "another address has its own count");

        assertEquals("admitted", handshake(first, first.key).getString("type"));
        assertEquals(1, places.unproven("192.0.2.7"), "a proven socket leaves the count");
        assertNotNull(open("192.0.2.7").transport);
        second.transport.closed();
        assertEquals(1, places.unproven("192.0.2.7"), "a closed one too");
        assertEquals(2, host.chat.liveSessions().list().stream().filter(s -> s.deviceId() == null).count());
    }

    @Test
    void aSocketWithoutTheHandshakeWithinTheDeadlineIsClosed() throws InterruptedException {
        Socket idle = open("192.0.2.7");
        Socket proven = open("192.0.2.7");
        assertEquals("admitted", handshake(proven, proven.key).getString("type"));
        assertTrue(idle.closed.await(20, TimeUnit.SECONDS), "closed after the 1 s handshake deadline");
        assertEquals(Boolean.TRUE, idle.violation);
        assertEquals(0, places.unproven("192.0.2.7"));
        assertFalse(proven.closed.await(500, TimeUnit.MILLISECONDS), "the proven one stays open");
    }

    @Test
    void relaySocketsAreAtMostTheHostPeersMostSessionsAClosedOneFreesItsPlace() {
        List<Socket> open = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            open.add(open("198.51.100." + i));
        }
        Socket sixth = open("203.0.113.1");
        assertNull(sixth.transport, "persona.peer.max.sessions (5 here) relay sockets at once");
        assertEquals(Boolean.TRUE, sixth.violation);
        assertEquals("admitted", handshake(open.get(0), open.get(0).key).getString("type"));
        assertNull(open("203.0.113.1").transport, "a proven socket keeps its place");
        open.get(1).transport.closed();
        assertEquals(4, places.open());
        assertNotNull(open("203.0.113.1").transport, "a closed one frees its place");
    }
}

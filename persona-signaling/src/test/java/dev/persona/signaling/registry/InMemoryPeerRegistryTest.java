package dev.persona.signaling.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;

import dev.persona.signaling.TestClock;
import dev.persona.signaling.TestIdentity;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

class InMemoryPeerRegistryTest {

    private static final Duration EXPIRE = Duration.ofSeconds(5);
    private static final Duration ALIVE = Duration.ofSeconds(60);
    private static final JsonValue PAYLOAD = Json.createObjectBuilder().add("sdp", "v=0").build();
    private static final String SOURCE = "192.168.1.50";
    private static final String OTHER_SOURCE = "192.168.1.51";

    private final TestClock clock = TestClock.atEpochSecond(1_767_225_600L);
    private final List<Runnable> localDeliveries = new ArrayList<>();
    private final Executor localExecutor = localDeliveries::add;
    private final InMemoryPeerRegistry registry = new InMemoryPeerRegistry(limits(3, 2), EXPIRE, ALIVE, clock, localExecutor);

    @Test
    void newPeerGetsOpenAndMessagesWithItsSenderAsSrc() throws Exception {
        RecordingSink alice = new RecordingSink();
        RecordingSink bob = new RecordingSink();
        PeerConnection a = registry.register("alice", Claim.provenKey(), SOURCE, alice);
        registry.register("bob", Claim.provenKey(), SOURCE, bob);
        a.send(MessageType.OFFER, "bob", PAYLOAD);
        assertEquals(List.of(MessageType.OPEN), alice.types());
        assertEquals(List.of(MessageType.OPEN, MessageType.OFFER), bob.types());
        assertEquals(new SignalingMessage(MessageType.OFFER, "alice", "bob", PAYLOAD), bob.messages.get(1));
        assertEquals(Set.of("alice", "bob"), Set.copyOf(registry.peerIds()));
        assertEquals(2, registry.peerCount());
    }

    @Test
    void messagesWaitForAnAbsentPeerAndFollowItsOpen() throws Exception {
        PeerConnection alice = registry.register("alice", Claim.provenKey(), SOURCE, new RecordingSink());
        alice.send(MessageType.OFFER, "bob", PAYLOAD);
        alice.send(MessageType.CANDIDATE, "bob", PAYLOAD);
        RecordingSink bob = new RecordingSink();
        registry.register("bob", Claim.provenKey(), SOURCE, bob);
        assertEquals(List.of(MessageType.OPEN, MessageType.OFFER, MessageType.CANDIDATE), bob.types());
    }

    @Test
    void sendersGetOneExpireEachWhenTheirMessagesWaitedTooLong() throws Exception {
        InMemoryPeerRegistry registry = new InMemoryPeerRegistry(limits(3, 10), EXPIRE, ALIVE, clock, localExecutor);
        RecordingSink alice = new RecordingSink();
        RecordingSink carol = new RecordingSink();
        PeerConnection a = registry.register("alice", Claim.provenKey(), SOURCE, alice);
        PeerConnection c = registry.register("carol", Claim.provenKey(), SOURCE, carol);
        a.send(MessageType.OFFER, "bob", PAYLOAD);
        a.send(MessageType.CANDIDATE, "bob", PAYLOAD);
        c.send(MessageType.OFFER, "bob", PAYLOAD);

        clock.advance(EXPIRE.minusMillis(1));
        registry.sweep();
        assertEquals(List.of(MessageType.OPEN), alice.types());

        clock.advance(Duration.ofMillis(1));
        registry.sweep();
        assertEquals(new SignalingMessage(MessageType.EXPIRE, "bob", "alice", null), alice.messages.get(1));
        assertEquals(new SignalingMessage(MessageType.EXPIRE, "bob", "carol", null), carol.messages.get(1));
        assertEquals(2, alice.messages.size());

        RecordingSink bob = new RecordingSink();
        registry.register("bob", Claim.provenKey(), SOURCE, bob);
        assertEquals(List.of(MessageType.OPEN), bob.types(), "expired messages are gone");
    }

    @Test
    void leaveAndExpireForAbsentPeersAreDropped() throws Exception {
        RecordingSink alice = new RecordingSink();
        PeerConnection a = registry.register("alice", Claim.provenKey(), SOURCE, alice);
        a.send(MessageType.LEAVE, "bob", null);
        a.send(MessageType.EXPIRE, "bob", null);
        clock.advance(EXPIRE);
        registry.sweep();
        RecordingSink bob = new RecordingSink();
        registry.register("bob", Claim.provenKey(), SOURCE, bob);
        assertEquals(List.of(MessageType.OPEN), alice.types());
        assertEquals(List.of(MessageType.OPEN), bob.types());
    }

    @Test
    void aFullQueueRefusesTheNextMessageOnly() throws Exception {
        PeerConnection alice = registry.register("alice", Claim.provenKey(), SOURCE, new RecordingSink());
        alice.send(MessageType.OFFER, "bob", PAYLOAD);
        alice.send(MessageType.CANDIDATE, "bob", PAYLOAD);
        QueueLimitExceededException e = assertThrows(QueueLimitExceededException.class,
                () -> alice.send(MessageType.CANDIDATE, "bob", PAYLOAD));
        assertEquals("Too many messages waiting for peer bob, which is not connected: at most 2 may wait.",
                e.getMessage());
        alice.send(MessageType.OFFER, "carol", PAYLOAD);
        RecordingSink bob = new RecordingSink();
        registry.register("bob", Claim.provenKey(), SOURCE, bob);
        assertEquals(List.of(MessageType.OPEN, MessageType.OFFER, MessageType.CANDIDATE), bob.types());
    }

    @Test
    void concurrentLimitRefusesNewIdsButNotReplacements() throws Exception {
        registry.register("a", Claim.provenKey(), SOURCE, new RecordingSink());
        registry.register("b", Claim.provenKey(), SOURCE, new RecordingSink());
        registry.register("c", Claim.provenKey(), SOURCE, new RecordingSink());
        RegistrationRefusedException e = assertThrows(RegistrationRefusedException.class,
                () -> registry.register("d", Claim.provenKey(), SOURCE, new RecordingSink()));
        assertEquals(RegistrationRefusedException.Refusal.CONCURRENT_LIMIT, e.refusal());
        assertEquals("Server has reached its concurrent user limit", e.getMessage());
        registry.register("c", Claim.provenKey(), SOURCE, new RecordingSink());
        assertEquals(3, registry.peerCount());
    }

    @Test
    void aProvenKeyReplacesTheStaleConnectionAtOnce() throws Exception {
        RecordingSink stale = new RecordingSink();
        RecordingSink reloaded = new RecordingSink();
        RecordingSink bob = new RecordingSink();
        PeerConnection old = registry.register("alice", Claim.provenKey(), SOURCE, stale);
        PeerConnection b = registry.register("bob", Claim.provenKey(), SOURCE, bob);
        PeerConnection fresh = registry.register("alice", Claim.provenKey(), SOURCE, reloaded);

        assertEquals(List.of(Disconnect.REPLACED), stale.disconnects);
        assertEquals(List.of(MessageType.OPEN), reloaded.types());
        assertFalse(old.isRegistered());
        assertTrue(fresh.isRegistered());

        old.send(MessageType.OFFER, "bob", PAYLOAD);
        assertEquals(List.of(MessageType.OPEN), bob.types(), "the replaced connection can no longer send");
        old.leave();
        assertTrue(fresh.isRegistered(), "leaving the old connection keeps the new one");
        b.send(MessageType.ANSWER, "alice", PAYLOAD);
        assertEquals(List.of(MessageType.OPEN, MessageType.ANSWER), reloaded.types());
    }

    @Test
    void aPlainTokenTakesOverQuietlyOrFindsTheIdTaken() throws Exception {
        RecordingSink first = new RecordingSink();
        RecordingSink again = new RecordingSink();
        registry.register("kitchen", Claim.token("abc"), SOURCE, first);
        RegistrationRefusedException e = assertThrows(RegistrationRefusedException.class,
                () -> registry.register("kitchen", Claim.token("xyz"), SOURCE, new RecordingSink()));
        assertEquals(RegistrationRefusedException.Refusal.ID_TAKEN, e.refusal());
        PeerConnection second = registry.register("kitchen", Claim.token("abc"), SOURCE, again);
        assertTrue(again.types().isEmpty(), "peerjs sends no second OPEN for the same token");
        assertEquals(List.of(Disconnect.REPLACED), first.disconnects);
        assertTrue(second.isRegistered());
    }

    @Test
    void silentPeersAreDroppedAndHeartbeatsKeepPeersAlive() throws Exception {
        RecordingSink quiet = new RecordingSink();
        RecordingSink chatty = new RecordingSink();
        RecordingSink beating = new RecordingSink();
        registry.register("quiet", Claim.provenKey(), SOURCE, quiet);
        PeerConnection c = registry.register("chatty", Claim.provenKey(), SOURCE, chatty);
        PeerConnection b = registry.register("beating", Claim.provenKey(), SOURCE, beating);
        clock.advance(ALIVE.minusSeconds(1));
        c.send(MessageType.OFFER, "nobody", PAYLOAD);
        b.heartbeat();
        clock.advance(Duration.ofSeconds(2));
        registry.sweep();
        assertEquals(List.of(Disconnect.SILENT), quiet.disconnects);
        assertTrue(chatty.disconnects.isEmpty());
        assertTrue(beating.disconnects.isEmpty());
        assertEquals(Set.of("chatty", "beating"), Set.copyOf(registry.peerIds()));
    }

    @Test
    void aDeadDestinationIsUnregisteredAndTheSenderToldItLeft() throws Exception {
        RecordingSink alice = new RecordingSink();
        RecordingSink bob = new RecordingSink();
        PeerConnection a = registry.register("alice", Claim.provenKey(), SOURCE, alice);
        registry.register("bob", Claim.provenKey(), SOURCE, bob);
        bob.gone = true;
        a.send(MessageType.OFFER, "bob", PAYLOAD);
        assertEquals(new SignalingMessage(MessageType.LEAVE, "bob", "alice", null), alice.messages.get(1));
        assertEquals(List.of("alice"), registry.peerIds());
    }

    @Test
    void aPeerThatAnswersTheOpenOfAReloadAtOnceReachesTheNewConnection() throws Exception {
        RecordingSink stale = new RecordingSink();
        RecordingSink reloaded = new RecordingSink();
        PeerConnection phone = registry.register("phone", Claim.provenKey(), SOURCE, new RecordingSink());
        registry.register("host", Claim.provenKey(), SOURCE, stale);
        Thread[] answer = new Thread[1];
        registry.register("host", Claim.provenKey(), SOURCE, new MessageSink() {
            @Override
            public boolean deliver(SignalingMessage message) {
                reloaded.deliver(message);
                if (message.type() == MessageType.OPEN) {
                    // The phone learns the host is back and sends at once, from its own thread, while the
                    // registration is still under way.
                    answer[0] = new Thread(() -> {
                        try {
                            phone.send(MessageType.OFFER, "host", PAYLOAD);
                        } catch (QueueLimitExceededException e) {
                            throw new AssertionError(e);
                        }
                    });
                    answer[0].start();
                    try {
                        answer[0].join(200);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return true;
            }

            @Override
            public void disconnected(Disconnect reason) {
            }
        });
        answer[0].join(5_000);
        assertEquals(List.of(MessageType.OPEN, MessageType.OFFER), reloaded.types());
        assertEquals(List.of(MessageType.OPEN), stale.types(), "nothing for the replaced connection");
    }

    @Test
    void aMessageThatMeetsAJustReplacedConnectionGoesToTheNewerOne() throws Exception {
        RecordingSink alice = new RecordingSink();
        RecordingSink newer = new RecordingSink();
        PeerConnection a = registry.register("alice", Claim.provenKey(), SOURCE, alice);
        registry.register("bob", Claim.provenKey(), SOURCE, new MessageSink() {
            @Override
            public boolean deliver(SignalingMessage message) {
                if (message.type() == MessageType.OPEN) {
                    return true;
                }
                try {
                    registry.register("bob", Claim.provenKey(), SOURCE, newer); // bob reloads while the offer is on its way
                } catch (RegistrationRefusedException e) {
                    throw new AssertionError(e);
                }
                return false;
            }

            @Override
            public void disconnected(Disconnect reason) {
            }
        });
        a.send(MessageType.OFFER, "bob", PAYLOAD);
        assertEquals(List.of(MessageType.OPEN, MessageType.OFFER), newer.types());
        assertEquals(List.of(MessageType.OPEN), alice.types(), "no LEAVE: bob is still there");
    }

    @Test
    void localPeersGetMessagesOnTheExecutorInOrderAndAreNeverDroppedForSilence() throws Exception {
        TestIdentity persona = TestIdentity.random();
        RecordingSink host = new RecordingSink();
        RecordingSink phone = new RecordingSink();
        PeerConnection p = registry.register("phone", Claim.provenKey(), SOURCE, phone);
        p.send(MessageType.OFFER, persona.id(), PAYLOAD);
        List<PeerConnection> given = new ArrayList<>();
        PeerConnection local = registry.attachLocalPeer(persona.keyId(), connection -> {
            given.add(connection);
            assertTrue(localDeliveries.isEmpty(), "nothing is delivered before the sink exists");
            return host;
        });
        assertEquals(List.of(local), given);
        p.send(MessageType.CANDIDATE, persona.id(), PAYLOAD);
        assertTrue(host.messages.isEmpty(), "delivered on the executor, not on the sender's thread");
        assertEquals(1, localDeliveries.size(), "one drain task for all waiting messages");
        localDeliveries.remove(0).run();
        assertEquals(List.of(MessageType.OPEN, MessageType.OFFER, MessageType.CANDIDATE), host.types());
        assertEquals("phone", host.messages.get(1).src());

        local.send(MessageType.ANSWER, "phone", PAYLOAD);
        assertEquals(new SignalingMessage(MessageType.ANSWER, persona.id(), "phone", PAYLOAD), phone.messages.get(1));

        clock.advance(ALIVE.multipliedBy(2));
        p.heartbeat();
        registry.sweep();
        assertTrue(local.isRegistered());
    }

    @Test
    void aFailingSinkFactoryLeavesNoRegistration() {
        TestIdentity persona = TestIdentity.random();
        assertThrows(IllegalStateException.class, () -> registry.attachLocalPeer(persona.keyId(), connection -> {
            throw new IllegalStateException("host peer not ready");
        }));
        assertTrue(registry.peerIds().isEmpty());
    }

    @Test
    void onlyRelayedTypesCanBeSent() throws Exception {
        PeerConnection alice = registry.register("alice", Claim.provenKey(), SOURCE, new RecordingSink());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> alice.send(MessageType.OPEN, "bob", null));
        assertEquals("OPEN messages are not relayed between peers.", e.getMessage());
    }

    @Test
    void oneSourceHoldsAtMostItsPeersWhileOthersStillConnect() throws Exception {
        InMemoryPeerRegistry registry = new InMemoryPeerRegistry(
                new InMemoryPeerRegistry.Limits(10, 2, 10, 1 << 20, 1 << 20), EXPIRE, ALIVE, clock, localExecutor);
        PeerConnection first = registry.register("a1", Claim.provenKey(), SOURCE, new RecordingSink());
        registry.register("a2", Claim.provenKey(), SOURCE, new RecordingSink());
        RegistrationRefusedException refused = assertThrows(RegistrationRefusedException.class,
                () -> registry.register("a3", Claim.provenKey(), SOURCE, new RecordingSink()));
        assertEquals(RegistrationRefusedException.Refusal.SOURCE_LIMIT, refused.refusal());
        assertEquals("Too many peers from this address: at most 2 may be connected from one address at once.",
                refused.getMessage());
        registry.register("b1", Claim.provenKey(), OTHER_SOURCE, new RecordingSink());
        // A reconnect from the same address takes its old place; leaving frees one.
        registry.register("a2", Claim.provenKey(), SOURCE, new RecordingSink());
        first.leave();
        registry.register("a3", Claim.provenKey(), SOURCE, new RecordingSink());
        assertEquals(Set.of("a2", "a3", "b1"), Set.copyOf(registry.peerIds()));
        // In-process peers have no source and count only toward the concurrent limit.
        registry.attachLocalPeer(TestIdentity.random().keyId(), connection -> new RecordingSink());
    }

    @Test
    void bytesWaitingForAbsentPeersAreBoundedPerSourceAndInAll() throws Exception {
        int bytes = new SignalingMessage(MessageType.OFFER, "a", "x0", PAYLOAD).relayedBytes();
        InMemoryPeerRegistry registry = new InMemoryPeerRegistry(
                new InMemoryPeerRegistry.Limits(10, 10, 10, 5L * bytes, 3L * bytes), EXPIRE, ALIVE, clock,
                localExecutor);
        RecordingSink aliceSink = new RecordingSink();
        PeerConnection alice = registry.register("a", Claim.provenKey(), SOURCE, aliceSink);
        PeerConnection bob = registry.register("b", Claim.provenKey(), OTHER_SOURCE, new RecordingSink());
        PeerConnection carol = registry.register("c", Claim.provenKey(), "192.168.1.52", new RecordingSink());
        for (int i = 0; i < 3; i++) {
            alice.send(MessageType.OFFER, "x" + i, PAYLOAD);
        }
        QueueLimitExceededException perSource = assertThrows(QueueLimitExceededException.class,
                () -> alice.send(MessageType.OFFER, "x3", PAYLOAD));
        assertEquals(QueueLimitExceededException.Limit.PER_SOURCE, perSource.limit());
        assertTrue(perSource.getMessage().startsWith("Too many bytes waiting for peers that are not connected, sent "
                + "from this address: at most " + 3 * bytes), perSource.getMessage());

        bob.send(MessageType.OFFER, "y0", PAYLOAD);
        bob.send(MessageType.OFFER, "y1", PAYLOAD);
        QueueLimitExceededException server = assertThrows(QueueLimitExceededException.class,
                () -> carol.send(MessageType.OFFER, "z0", PAYLOAD));
        assertEquals(QueueLimitExceededException.Limit.SERVER, server.limit());
        assertTrue(server.getMessage().startsWith("The server holds as many bytes of messages for peers that are not "
                + "connected as it may (" + 5 * bytes + ")"), server.getMessage());
        // Messages to connected peers never wait, so they still go through.
        carol.send(MessageType.OFFER, "a", PAYLOAD);
        assertEquals(MessageType.OFFER, aliceSink.types().get(1));

        // A delivered queue gives its bytes back to its sender's source and to the budget.
        registry.register("x0", Claim.provenKey(), "192.168.1.60", new RecordingSink());
        alice.send(MessageType.OFFER, "x3", PAYLOAD);
        // Expired queues do too.
        clock.advance(EXPIRE);
        registry.sweep();
        for (int i = 0; i < 3; i++) {
            alice.send(MessageType.OFFER, "w" + i, PAYLOAD);
        }
        bob.send(MessageType.OFFER, "v0", PAYLOAD);
        bob.send(MessageType.OFFER, "v1", PAYLOAD);
    }

    private static InMemoryPeerRegistry.Limits limits(int concurrentPeers, int queuedMessagesPerPeer) {
        return new InMemoryPeerRegistry.Limits(concurrentPeers, concurrentPeers, queuedMessagesPerPeer, 1 << 20,
                1 << 20);
    }
}

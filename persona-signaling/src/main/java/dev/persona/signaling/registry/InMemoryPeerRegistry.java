package dev.persona.signaling.registry;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.logging.Logger;

import dev.persona.signaling.identity.KeyId;
import jakarta.json.JsonValue;

/**
 * The registry of one server, in memory: a map from id to connection, read without locks on the relay path, and
 * the queues of absent peers. Registration and queueing take one lock, so a message is either queued before its
 * destination registers (and delivered right after its OPEN) or delivered to it directly, never lost in between.
 */
public final class InMemoryPeerRegistry implements PeerRegistry {

    private static final Logger LOG = Logger.getLogger(InMemoryPeerRegistry.class.getName());

    private final int concurrentLimit;
    private final int queuedMessagesPerPeer;
    private final long expireTimeoutMillis;
    private final long aliveTimeoutMillis;
    private final Clock clock;
    private final Executor localDelivery;

    private final Map<String, Registration> peers = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    /** Messages waiting for absent peers, by destination id; guarded by {@link #lock}. */
    private final Map<String, WaitingMessages> waiting = new HashMap<>();

    /**
     * @param expireTimeout how long messages wait for an absent peer before their senders get EXPIRE
     * @param aliveTimeout how long a connected peer may be silent before {@link #sweep} drops it
     * @param localDelivery runs deliveries to in-process peers (see {@link #attachLocalPeer})
     */
    public InMemoryPeerRegistry(int concurrentLimit, int queuedMessagesPerPeer, Duration expireTimeout,
                                Duration aliveTimeout, Clock clock, Executor localDelivery) {
        this.concurrentLimit = concurrentLimit;
        this.queuedMessagesPerPeer = queuedMessagesPerPeer;
        this.expireTimeoutMillis = expireTimeout.toMillis();
        this.aliveTimeoutMillis = aliveTimeout.toMillis();
        this.clock = clock;
        this.localDelivery = localDelivery;
    }

    @Override
    public PeerConnection register(String id, Claim claim, MessageSink sink) throws RegistrationRefusedException {
        return add(id, claim, sink, false);
    }

    @Override
    public PeerConnection attachLocalPeer(KeyId id, Function<PeerConnection, MessageSink> sinkFactory)
            throws RegistrationRefusedException {
        ExecutorSink handOff = new ExecutorSink(localDelivery);
        Registration connection = add(id.toString(), Claim.provenKey(), handOff, true);
        try {
            handOff.start(Objects.requireNonNull(sinkFactory.apply(connection), "the sink factory returned null"));
        } catch (RuntimeException factoryFailed) {
            connection.leave();
            throw factoryFailed;
        }
        return connection;
    }

    @Override
    public List<String> peerIds() {
        return new ArrayList<>(peers.keySet());
    }

    @Override
    public int peerCount() {
        return peers.size();
    }

    @Override
    public void sweep() {
        long now = clock.millis();
        List<SignalingMessage> expiries = new ArrayList<>();
        synchronized (lock) {
            for (Iterator<Map.Entry<String, WaitingMessages>> it = waiting.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, WaitingMessages> queue = it.next();
                if (now - queue.getValue().sinceMillis() >= expireTimeoutMillis) {
                    Set<String> senders = new LinkedHashSet<>();
                    queue.getValue().messages().forEach(message -> senders.add(message.src()));
                    senders.forEach(sender -> expiries.add(
                            new SignalingMessage(MessageType.EXPIRE, queue.getKey(), sender, null)));
                    it.remove();
                }
            }
        }
        expiries.forEach(this::notifyIfConnected);
        for (Registration peer : peers.values()) {
            if (!peer.local && now - peer.lastSeenMillis > aliveTimeoutMillis && peers.remove(peer.id, peer)) {
                LOG.fine(() -> "Dropped peer " + peer.id + ": silent for more than " + aliveTimeoutMillis + " ms.");
                peer.sink.disconnected(Disconnect.SILENT);
            }
        }
    }

    private Registration add(String id, Claim claim, MessageSink sink, boolean local)
            throws RegistrationRefusedException {
        Registration replaced;
        Registration added;
        synchronized (lock) {
            replaced = peers.get(id);
            if (replaced != null && !claim.isProvenKey() && !claim.token().equals(replaced.claim.token())) {
                throw new RegistrationRefusedException(RegistrationRefusedException.Refusal.ID_TAKEN,
                        "ID is taken");
            }
            if (replaced == null && peers.size() >= concurrentLimit) {
                throw new RegistrationRefusedException(RegistrationRefusedException.Refusal.CONCURRENT_LIMIT,
                        "Server has reached its concurrent user limit");
            }
            added = new Registration(id, claim, sink, local, clock.millis());
            if (replaced == null || claim.isProvenKey()) {
                sink.deliver(SignalingMessage.fromServer(MessageType.OPEN, null));
            }
            WaitingMessages queued = waiting.remove(id);
            if (queued != null) {
                queued.messages().forEach(sink::deliver);
            }
            peers.put(id, added);
        }
        if (replaced != null) {
            LOG.fine(() -> "Peer " + id + " reconnected; the previous connection is closed.");
            replaced.sink.disconnected(Disconnect.REPLACED);
        }
        return added;
    }

    private void relay(SignalingMessage message) throws QueueLimitExceededException {
        Registration target = peers.get(message.dst());
        if (target == null) {
            synchronized (lock) {
                target = peers.get(message.dst());
                if (target == null) {
                    queueForAbsentPeer(message);
                    return;
                }
            }
        }
        deliver(target, message);
    }

    /** Delivers a LEAVE or EXPIRE of the server's to {@code dst} if it is connected; such notices never wait. */
    private void notifyIfConnected(SignalingMessage notice) {
        Registration target = peers.get(notice.dst());
        if (target != null) {
            deliver(target, notice);
        }
    }

    /**
     * Delivers to a connected peer. A peer found gone is unregistered; if its id has a newer connection meanwhile,
     * that one gets the message, otherwise the sender is told with LEAVE (as peerjs does).
     */
    private void deliver(Registration target, SignalingMessage message) {
        if (target.sink.deliver(message)) {
            return;
        }
        peers.remove(target.id, target);
        Registration newer = peers.get(target.id);
        if (newer != null) {
            deliver(newer, message);
        } else {
            LOG.fine(() -> "Peer " + target.id + " was gone when a message reached it; told " + message.src()
                    + " it left.");
            notifyIfConnected(new SignalingMessage(MessageType.LEAVE, target.id, message.src(), null));
        }
    }

    private void queueForAbsentPeer(SignalingMessage message) throws QueueLimitExceededException {
        if (!message.type().waitsForAbsentPeer()) {
            return;
        }
        WaitingMessages queue = waiting.computeIfAbsent(message.dst(),
                dst -> new WaitingMessages(clock.millis(), new ArrayList<>()));
        if (queue.messages().size() >= queuedMessagesPerPeer) {
            throw new QueueLimitExceededException(message.dst(), queuedMessagesPerPeer);
        }
        queue.messages().add(message);
    }

    /** Messages for one absent peer, and when the first of them arrived. */
    private record WaitingMessages(long sinceMillis, List<SignalingMessage> messages) {
    }

    private final class Registration implements PeerConnection {
        final String id;
        final Claim claim;
        final MessageSink sink;
        final boolean local;
        volatile long lastSeenMillis;

        Registration(String id, Claim claim, MessageSink sink, boolean local, long nowMillis) {
            this.id = id;
            this.claim = claim;
            this.sink = sink;
            this.local = local;
            this.lastSeenMillis = nowMillis;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public void send(MessageType type, String dst, JsonValue payload) throws QueueLimitExceededException {
            check(type, dst);
            if (isRegistered()) {
                lastSeenMillis = clock.millis();
                relay(new SignalingMessage(type, id, dst, payload));
            }
        }

        @Override
        public void sendJson(MessageType type, String dst, String payloadJson) throws QueueLimitExceededException {
            check(type, dst);
            if (isRegistered()) {
                lastSeenMillis = clock.millis();
                relay(SignalingMessage.withPayloadJson(type, id, dst, payloadJson));
            }
        }

        private void check(MessageType type, String dst) {
            if (!type.isRelayed()) {
                throw new IllegalArgumentException(type.wireName() + " messages are not relayed between peers.");
            }
            Objects.requireNonNull(dst, "dst");
        }

        @Override
        public void heartbeat() {
            lastSeenMillis = clock.millis();
        }

        @Override
        public void leave() {
            peers.remove(id, this);
        }

        @Override
        public boolean isRegistered() {
            return peers.get(id) == this;
        }
    }
}

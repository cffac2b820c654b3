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
 * destination registers (and delivered right after its OPEN) or delivered to it directly, never lost in between and
 * never ahead of the OPEN. The same lock guards what each source address holds (connected peers, bytes of waiting messages) and the bytes
 * waiting in all; those counts change only when a peer comes or goes and when a message waits or stops waiting, so
 * a message to a connected peer that has had its OPEN never takes the lock.
 */
public final class InMemoryPeerRegistry implements PeerRegistry {

    private static final Logger LOG = Logger.getLogger(InMemoryPeerRegistry.class.getName());

    /**
     * The limits the registry enforces.
     *
     * @param concurrentPeers most peers connected at once
     * @param peersPerSource most peers connected at once from one source address (in-process peers have none)
     * @param queuedMessagesPerPeer most messages waiting for one absent peer
     * @param queuedBytes most bytes of messages waiting for absent peers, all senders together
     * @param queuedBytesPerSource most bytes of waiting messages that the peers of one source address sent
     */
    public record Limits(int concurrentPeers, int peersPerSource, int queuedMessagesPerPeer, long queuedBytes,
                         long queuedBytesPerSource) {
    }

    private final Limits limits;
    private final long expireTimeoutMillis;
    private final long aliveTimeoutMillis;
    private final Clock clock;
    private final Executor localDelivery;

    private final Map<String, Registration> peers = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    /** Messages waiting for absent peers, by destination id; guarded by {@link #lock}. */
    private final Map<String, WaitingMessages> waiting = new HashMap<>();
    /** What each source address holds, while it holds anything; guarded by {@link #lock}. */
    private final Map<String, SourceUsage> sources = new HashMap<>();
    /** Bytes of all waiting messages; guarded by {@link #lock}. */
    private long queuedBytes;

    /**
     * @param expireTimeout how long messages wait for an absent peer before their senders get EXPIRE
     * @param aliveTimeout how long a connected peer may be silent before {@link #sweep} drops it
     * @param localDelivery runs deliveries to in-process peers (see {@link #attachLocalPeer})
     */
    public InMemoryPeerRegistry(Limits limits, Duration expireTimeout, Duration aliveTimeout, Clock clock,
                                Executor localDelivery) {
        this.limits = limits;
        this.expireTimeoutMillis = expireTimeout.toMillis();
        this.aliveTimeoutMillis = aliveTimeout.toMillis();
        this.clock = clock;
        this.localDelivery = localDelivery;
    }

    @Override
    public PeerConnection register(String id, Claim claim, String source, MessageSink sink)
            throws RegistrationRefusedException {
        return add(id, claim, Objects.requireNonNull(source, "source"), sink);
    }

    @Override
    public PeerConnection attachLocalPeer(KeyId id, Function<PeerConnection, MessageSink> sinkFactory)
            throws RegistrationRefusedException {
        ExecutorSink handOff = new ExecutorSink(localDelivery);
        Registration connection = add(id.toString(), Claim.provenKey(), null, handOff);
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
                    queue.getValue().messages().forEach(parked -> senders.add(parked.message().src()));
                    senders.forEach(sender -> expiries.add(
                            new SignalingMessage(MessageType.EXPIRE, queue.getKey(), sender, null)));
                    it.remove();
                    release(queue.getValue());
                }
            }
        }
        expiries.forEach(this::notifyIfConnected);
        for (Registration peer : peers.values()) {
            if (!peer.local && now - peer.lastSeenMillis > aliveTimeoutMillis && unregister(peer)) {
                LOG.fine(() -> "Dropped peer " + peer.id + ": silent for more than " + aliveTimeoutMillis + " ms.");
                peer.sink.disconnected(Disconnect.SILENT);
            }
        }
    }

    private Registration add(String id, Claim claim, String source, MessageSink sink)
            throws RegistrationRefusedException {
        Registration replaced;
        Registration added;
        synchronized (lock) {
            replaced = peers.get(id);
            if (replaced != null && !claim.isProvenKey() && !claim.token().equals(replaced.claim.token())) {
                throw new RegistrationRefusedException(RegistrationRefusedException.Refusal.ID_TAKEN,
                        "ID is taken");
            }
            if (replaced == null && peers.size() >= limits.concurrentPeers()) {
                throw new RegistrationRefusedException(RegistrationRefusedException.Refusal.CONCURRENT_LIMIT,
                        "Server has reached its concurrent user limit");
            }
            boolean sameSourceAgain = replaced != null && Objects.equals(replaced.source, source);
            if (source != null && !sameSourceAgain && peersFrom(source) >= limits.peersPerSource()) {
                throw new RegistrationRefusedException(RegistrationRefusedException.Refusal.SOURCE_LIMIT,
                        "Too many peers from this address: at most " + limits.peersPerSource()
                                + " may be connected from one address at once.");
            }
            added = new Registration(id, claim, source, sink, clock.millis());
            // In the map before its OPEN goes out: a peer that answers the OPEN at once (a reloaded page telling the
            // other side it is back) must find the new connection, not the replaced one whose socket still accepts.
            // What put replaces, not what get found: a leave outside the lock may have removed (and released) it.
            Registration previous = peers.put(id, added);
            if (previous != null) {
                releasePeer(previous.source);
            }
            if (source != null) {
                sources.computeIfAbsent(source, s -> new SourceUsage()).peers++;
            }
            if (replaced == null || claim.isProvenKey()) {
                sink.deliver(SignalingMessage.fromServer(MessageType.OPEN, null));
            }
            WaitingMessages queued = waiting.remove(id);
            if (queued != null) {
                queued.messages().forEach(parked -> sink.deliver(parked.message()));
                release(queued);
            }
            added.opened = true;
        }
        if (replaced != null) {
            LOG.fine(() -> "Peer " + id + " reconnected; the previous connection is closed.");
            replaced.sink.disconnected(Disconnect.REPLACED);
        }
        return added;
    }

    /** Removes {@code peer} if it is still registered; returns whether it was. */
    private boolean unregister(Registration peer) {
        if (!peers.remove(peer.id, peer)) {
            return false;
        }
        if (peer.source != null) {
            synchronized (lock) {
                releasePeer(peer.source);
            }
        }
        return true;
    }

    private int peersFrom(String source) {
        SourceUsage usage = sources.get(source);
        return usage == null ? 0 : usage.peers;
    }

    /** Guarded by {@link #lock}. */
    private void releasePeer(String source) {
        if (source != null) {
            SourceUsage usage = sources.get(source);
            usage.peers--;
            forgetIfIdle(source, usage);
        }
    }

    /** Returns the bytes of messages that stopped waiting to the budgets; guarded by {@link #lock}. */
    private void release(WaitingMessages queue) {
        for (ParkedMessage parked : queue.messages()) {
            queuedBytes -= parked.bytes();
            if (parked.source() != null) {
                SourceUsage usage = sources.get(parked.source());
                usage.queuedBytes -= parked.bytes();
                forgetIfIdle(parked.source(), usage);
            }
        }
    }

    private void forgetIfIdle(String source, SourceUsage usage) {
        if (usage.peers == 0 && usage.queuedBytes == 0) {
            sources.remove(source);
        }
    }

    private void relay(Registration sender, SignalingMessage message) throws QueueLimitExceededException {
        Registration target = peers.get(message.dst());
        if (target == null) {
            synchronized (lock) {
                target = peers.get(message.dst());
                if (target == null) {
                    queueForAbsentPeer(sender, message);
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
        if (!target.opened) {
            synchronized (lock) {
                // add() holds the lock from putting the connection in the map until its OPEN and the messages that
                // waited for it are out; a message that found it in between waits here to go after them.
            }
        }
        if (target.sink.deliver(message)) {
            return;
        }
        unregister(target);
        Registration newer = peers.get(target.id);
        if (newer != null) {
            deliver(newer, message);
        } else {
            LOG.fine(() -> "Peer " + target.id + " was gone when a message reached it; told " + message.src()
                    + " it left.");
            notifyIfConnected(new SignalingMessage(MessageType.LEAVE, target.id, message.src(), null));
        }
    }

    /** Guarded by {@link #lock}. */
    private void queueForAbsentPeer(Registration sender, SignalingMessage message)
            throws QueueLimitExceededException {
        if (!message.type().waitsForAbsentPeer()) {
            return;
        }
        WaitingMessages queue = waiting.get(message.dst());
        if (queue != null && queue.messages().size() >= limits.queuedMessagesPerPeer()) {
            throw new QueueLimitExceededException(QueueLimitExceededException.Limit.PER_PEER,
                    "Too many messages waiting for peer " + message.dst() + ", which is not connected: at most "
                            + limits.queuedMessagesPerPeer() + " may wait.");
        }
        int bytes = message.relayedBytes();
        SourceUsage usage = sender.source == null ? null : sources.get(sender.source);
        if (usage != null && usage.queuedBytes + bytes > limits.queuedBytesPerSource()) {
            throw new QueueLimitExceededException(QueueLimitExceededException.Limit.PER_SOURCE,
                    "Too many bytes waiting for peers that are not connected, sent from this address: at most "
                            + limits.queuedBytesPerSource() + " may wait until those peers connect or the messages "
                            + "expire.");
        }
        if (queuedBytes + bytes > limits.queuedBytes()) {
            LOG.fine(() -> "Refused a message for absent peer " + message.dst() + ": " + queuedBytes
                    + " bytes wait for absent peers already.");
            throw new QueueLimitExceededException(QueueLimitExceededException.Limit.SERVER,
                    "The server holds as many bytes of messages for peers that are not connected as it may ("
                            + limits.queuedBytes() + "); try again in a minute.");
        }
        if (queue == null) {
            queue = new WaitingMessages(clock.millis(), new ArrayList<>());
            waiting.put(message.dst(), queue);
        }
        queue.messages().add(new ParkedMessage(message, sender.source, bytes));
        queuedBytes += bytes;
        if (usage != null) {
            usage.queuedBytes += bytes;
        }
    }

    /** Messages for one absent peer, and when the first of them arrived. */
    private record WaitingMessages(long sinceMillis, List<ParkedMessage> messages) {
    }

    /** A waiting message, with the source address its bytes are counted for (null for an in-process sender). */
    private record ParkedMessage(SignalingMessage message, String source, int bytes) {
    }

    /** What one source address holds; guarded by {@link #lock}. */
    private static final class SourceUsage {
        int peers;
        long queuedBytes;
    }

    private final class Registration implements PeerConnection {
        final String id;
        final Claim claim;
        /** The source address of a socket peer; null for an in-process peer. */
        final String source;
        final MessageSink sink;
        final boolean local;
        volatile long lastSeenMillis;
        /** Whether its OPEN and the messages that waited for it were delivered; set under {@link #lock}. */
        volatile boolean opened;

        Registration(String id, Claim claim, String source, MessageSink sink, long nowMillis) {
            this.id = id;
            this.claim = claim;
            this.source = source;
            this.sink = sink;
            this.local = source == null;
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
                relay(this, new SignalingMessage(type, id, dst, payload));
            }
        }

        @Override
        public void sendJson(MessageType type, String dst, String payloadJson) throws QueueLimitExceededException {
            check(type, dst);
            if (isRegistered()) {
                lastSeenMillis = clock.millis();
                relay(this, SignalingMessage.withPayloadJson(type, id, dst, payloadJson));
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
            unregister(this);
        }

        @Override
        public boolean isRegistered() {
            return peers.get(id) == this;
        }
    }
}

package dev.persona.peer;

import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

import jakarta.json.Json;
import jakarta.json.JsonValue;

/**
 * A stand-in for the signaling registry: relays PeerJS messages between in-process peers, each destination's in
 * order, on an executor (as the registry delivers to in-process peers). Payloads travel as JSON text, so a payload
 * only arrives if it is valid JSON. Tests may drop messages to break the connection.
 */
final class InMemorySignaling {

    record Message(String type, String src, String dst, JsonValue payload) {
    }

    @FunctionalInterface
    interface Peer {
        void receive(String type, String src, JsonValue payload);
    }

    private final Executor executor;
    private final Map<String, Peer> peers = new ConcurrentHashMap<>();
    private final Map<String, SerialExecutor> deliveries = new ConcurrentHashMap<>();
    private final List<Message> relayed = new CopyOnWriteArrayList<>();
    private volatile Predicate<Message> dropped = message -> false;

    InMemorySignaling(Executor executor) {
        this.executor = executor;
    }

    void register(String id, Peer peer) {
        peers.put(id, peer);
    }

    void unregister(String id) {
        peers.remove(id);
    }

    SignalingLink linkFor(String src) {
        return (type, dst, payload) -> relay(type, src, dst, payload);
    }

    void relay(String type, String src, String dst, JsonValue payload) {
        JsonValue copy = payload == null ? null : Json.createReader(new StringReader(payload.toString())).readValue();
        Message message = new Message(type, src, dst, copy);
        relayed.add(message);
        Peer peer = peers.get(dst);
        if (peer == null || dropped.test(message)) {
            return;
        }
        deliveries.computeIfAbsent(dst, id -> new SerialExecutor(executor))
                .execute(() -> peer.receive(type, src, copy));
    }

    /** Drops the messages that match from now on (they are still listed by {@link #relayedTo}). */
    void drop(Predicate<Message> rule) {
        dropped = rule;
    }

    List<Message> relayedTo(String dst) {
        return relayed.stream().filter(message -> message.dst().equals(dst)).toList();
    }
}

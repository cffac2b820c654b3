package dev.persona.it;

import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.persona.signaling.identity.IdProof;
import dev.persona.signaling.identity.KeyId;
import jakarta.json.Json;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * One scripted signaling session against one server, for {@link SignalingDifferentialIT}: raw WebSocket clients
 * (the JDK's), named ids (key ids with real proofs, or plain ids), and a transcript of what each client received,
 * step by step, with every id written as {@code <name>}. A step waits until each named client has received the
 * number of events the script expects (a frame, or the close), then a little longer, so that an extra frame shows
 * up in the transcript too. Clients send a HEARTBEAT every 500 ms, as peerjs does every 5 s, unless made silent.
 */
final class SignalingSession implements AutoCloseable {

    /** A server under test: where its sockets and REST calls are, and the origin that proofs name. */
    record Server(String name, String httpBase, String socketBase, HttpClient http, String proofOrigin) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration SETTLE = Duration.ofMillis(300);

    private final Server server;
    private final Map<String, String> idsByName = new ConcurrentHashMap<>();
    /** Read by the clients' listener threads (frames are named as they arrive) while the script adds ids. */
    private final Map<String, String> namesById = new ConcurrentHashMap<>();
    private final Map<String, Ed25519PrivateKeyParameters> keysById = new ConcurrentHashMap<>();
    private final List<Client> clients = new CopyOnWriteArrayList<>();
    private final List<String> transcript = new ArrayList<>();
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();

    SignalingSession(Server server) {
        this.server = server;
        heartbeats.scheduleAtFixedRate(() -> clients.stream().filter(c -> c.heartbeats)
                .forEach(c -> c.trySend("{\"type\":\"HEARTBEAT\"}")), 500, 500, TimeUnit.MILLISECONDS);
    }

    Server server() {
        return server;
    }

    /** A new key id, named {@code name}. */
    String keyId(String name) {
        Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(RANDOM);
        String id = KeyId.of(key.generatePublicKey().getEncoded()).toString();
        keysById.put(id, key);
        return name(name, id);
    }

    /** A new id that is not a key id, named {@code name}. */
    String plainId(String name) {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        return name(name, "plain" + HexFormat.of().formatHex(random));
    }

    private String name(String name, String id) {
        idsByName.put(name, id);
        namesById.put(id, name);
        return id;
    }

    String id(String name) {
        return idsByName.get(name);
    }

    String nameOf(String id) {
        return namesById.getOrDefault(id, "<not this session's>");
    }

    boolean knows(String id) {
        return namesById.containsKey(id);
    }

    /** Connects with a key id and a fresh proof for it. */
    Client connect(String name, String keyId) throws Exception {
        String token = IdProof.sign(keysById.get(keyId), server.proofOrigin(), Instant.now().getEpochSecond(),
                IdProof.newNonce(RANDOM)).token();
        return connect(name, keyId, token);
    }

    Client connect(String name, String id, String token) throws Exception {
        return open(name, "key=peerjs&id=" + id + "&token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)
                + "&version=1.5.5", true);
    }

    /** Connects with a key id and a fresh proof, and never sends a HEARTBEAT. */
    Client connectSilent(String name, String keyId) throws Exception {
        String token = IdProof.sign(keysById.get(keyId), server.proofOrigin(), Instant.now().getEpochSecond(),
                IdProof.newNonce(RANDOM)).token();
        return open(name, "key=peerjs&id=" + keyId + "&token=" + URLEncoder.encode(token, StandardCharsets.UTF_8),
                false);
    }

    Client connectWithQuery(String name, String query) throws Exception {
        return open(name, query, false);
    }

    private Client open(String name, String query, boolean heartbeats) throws Exception {
        Client client = new Client(name, heartbeats);
        client.socket = server.http().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(server.socketBase() + "/peerjs?" + query), client)
                .get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        clients.add(client);
        return client;
    }

    /** Waits until each client has received as many events as given (at most 15 s), then records the step. */
    void await(String step, Map<Client, Integer> events) throws InterruptedException {
        awaitFor(step, events, STEP_TIMEOUT);
    }

    void awaitFor(String step, Map<Client, Integer> events, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Map.Entry<Client, Integer> expected : events.entrySet()) {
            while (expected.getKey().events.size() < expected.getValue() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        Thread.sleep(SETTLE.toMillis());
        record(step);
    }

    /** Waits {@code time} for whatever comes (where the script expects nothing), then records the step. */
    void quiet(String step, Duration time) throws InterruptedException {
        Thread.sleep(time.toMillis());
        record(step);
    }

    private void record(String step) {
        for (Client client : clients) {
            String event;
            while ((event = client.events.poll()) != null) {
                transcript.add(step + ": " + client.name + " <- " + event);
            }
        }
    }

    void note(String line) {
        transcript.add(line);
    }

    List<String> transcript() {
        return List.copyOf(transcript);
    }

    HttpResponse<String> get(String path) throws Exception {
        return server.http().send(HttpRequest.newBuilder(URI.create(server.httpBase() + path))
                .timeout(STEP_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The names of this session's ids that GET /peerjs/peers lists, sorted (other ids left out). */
    List<String> listedPeers() throws Exception {
        HttpResponse<String> peers = get("/peerjs/peers");
        if (peers.statusCode() != 200) {
            return List.of("HTTP " + peers.statusCode());
        }
        List<String> names = new ArrayList<>();
        for (JsonValue value : Json.createReader(new StringReader(peers.body())).readArray()) {
            String id = ((JsonString) value).getString();
            if (knows(id)) {
                names.add(nameOf(id));
            }
        }
        names.sort(null);
        return names;
    }

    private String named(String text) {
        for (Map.Entry<String, String> id : namesById.entrySet()) {
            text = text.replace(id.getKey(), "<" + id.getValue() + ">");
        }
        return text;
    }

    @Override
    public void close() {
        heartbeats.shutdownNow();
        clients.forEach(client -> client.socket.abort());
    }

    /** One WebSocket client: what it received, in order, as transcript events. */
    final class Client implements WebSocket.Listener {
        final String name;
        final boolean heartbeats;
        final LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
        volatile int closeCode = -1;
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        private Client(String name, boolean heartbeats) {
            this.name = name;
            this.heartbeats = heartbeats;
        }

        synchronized void send(String text) {
            socket.sendText(text, true).join();
        }

        private synchronized void trySend(String text) {
            if (closeCode < 0 && !socket.isOutputClosed()) {
                try {
                    socket.sendText(text, true).join();
                } catch (RuntimeException closedMeanwhile) {
                    // The server closed the socket between the check and the send; the close is in the transcript.
                }
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                events.add(named(partial.toString()));
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode = statusCode;
            events.add("closed");
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            events.add("socket error " + error);
        }
    }
}

package dev.persona.bench.signaling;

import dev.persona.signaling.identity.IdProof;
import dev.persona.signaling.identity.KeyId;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * The load generator's peers over a lean NIO WebSocket client (RFC 6455, text frames, client-side masking), so
 * that the load generator takes as little of the shared CPU as it can: the JDK's WebSocket client needed more CPU
 * per message than either server. Each peer speaks the PeerJS protocol as the peerjs client does (socket URL with
 * key, id and token; a HEARTBEAT every 5 s). Messages are CANDIDATE frames of a realistic size whose payload
 * carries a sequence number and the send time, so that the receiving peer knows the relay latency. Handshakes are
 * blocking, a few at a time; then each socket belongs to one of a few selector threads that read it, while the
 * sender writes its frames directly. With a TLS context the same frames travel over TLS ({@code wss://}): an
 * {@link SSLEngine} per socket, each connection a full handshake (no session resumption: every phone is a new
 * client). A peer may connect from a loopback address of its own (127.0.0.0/8), so that the server's limits per
 * source address hold as they do for real phones.
 */
public final class PeerSwarm implements AutoCloseable {

    /** An id, the token it connects with, and the local address it connects from ({@code null}: any). */
    public record Identity(String id, String token, String source) {

        Identity(String id, String token) {
            this(id, token, null);
        }
    }

    /** What one relay phase measured. */
    public record Relay(int sent, int received, long elapsedNanos, long[] latencyNanos) {

        public double messagesPerSecond() {
            return received / (elapsedNanos / 1e9);
        }
    }

    private static final String CANDIDATE_START = "{\"type\":\"CANDIDATE\",\"dst\":\"";
    private static final String CANDIDATE_MIDDLE = "\",\"payload\":{\"candidate\":{\"candidate\":\"candidate:842163049 "
            + "1 udp 1677729535 192.168.1.20 54321 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag sK9d "
            + "network-cost 999\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0},\"type\":\"data\",\"connectionId\":"
            + "\"dc_k7f3q9x2m1\",\"seq\":";
    private static final String HEARTBEAT = "{\"type\":\"HEARTBEAT\"}";
    private static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(5);
    private static final int OPCODE_CONTINUATION = 0x0;
    private static final int OPCODE_TEXT = 0x1;
    private static final int OPCODE_CLOSE = 0x8;
    private static final int OPCODE_PING = 0x9;

    private final SSLContext tls;
    private final List<ReadLoop> loops = new ArrayList<>();
    private final List<Peer> peers = new ArrayList<>();
    private final long epoch = System.nanoTime();
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "heartbeats");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger unexpected = new AtomicInteger();
    private final Queue<String> unexpectedSamples = new ConcurrentLinkedQueue<>();
    private final AtomicInteger closed = new AtomicInteger();
    private final SplittableRandom random = new SplittableRandom(20260101);
    private final SecureRandom keys = new SecureRandom();
    private long nextSequence;
    private volatile Phase phase;
    private int heartbeatTurn;

    /** The relay phase in progress: where received messages are recorded. */
    private static final class Phase {
        final long firstSequence;
        final long[] latencies;
        final Semaphore window;
        final AtomicInteger received = new AtomicInteger();
        final AtomicLong lastReceived = new AtomicLong();

        /** @param window most messages in flight, or 0 for no limit (paced sending) */
        Phase(long firstSequence, int count, int window) {
            this.firstSequence = firstSequence;
            this.latencies = new long[count];
            this.window = window > 0 ? new Semaphore(window) : null;
        }
    }

    PeerSwarm(int readThreads) throws IOException {
        this(readThreads, null);
    }

    /** @param tls the TLS context of {@code wss://} connections, or {@code null} for {@code ws://} */
    public PeerSwarm(int readThreads, SSLContext tls) throws IOException {
        this.tls = tls;
        for (int i = 0; i < readThreads; i++) {
            ReadLoop loop = new ReadLoop(i);
            loops.add(loop);
            loop.thread.start();
        }
        heartbeats.scheduleAtFixedRate(this::sendHeartbeats, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * {@code count} key-proven ids as Persona's phones have them, each with a fresh Ed25519 proof for {@code origin}
     * (the host's HTTPS origin), 50 to a loopback source address (Persona's limit per source as shipped), the
     * addresses 127.1.x.y counted from the {@code firstSource}-th on: a run that hands each set fresh addresses keeps
     * the proofs remembered per address within their limit too.
     */
    public static List<Identity> keyProven(int count, String origin, int firstSource, SecureRandom random) {
        List<Identity> identities = new ArrayList<>(count);
        String source = null;
        for (int i = 0; i < count; i++) {
            if (i % 50 == 0) {
                source = loopbackSource(firstSource + i / 50);
            }
            Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(random);
            String id = KeyId.of(key.generatePublicKey().getEncoded()).toString();
            String token = IdProof.sign(key, origin, System.currentTimeMillis() / 1000, IdProof.newNonce(random))
                    .token();
            identities.add(new Identity(id, token, source));
        }
        return identities;
    }

    /**
     * {@code count} ids as peerjs makes them (a "p" and 53 random letters and digits, a random 11-character token),
     * 50 to a loopback source address counted from the {@code firstSource}-th on, as {@link #keyProven}.
     */
    public static List<Identity> peerjsStyle(int count, int firstSource, SecureRandom random) {
        List<Identity> identities = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            identities.add(new Identity("p" + alphanumeric(53, random), alphanumeric(11, random),
                    loopbackSource(firstSource + i / 50)));
        }
        return identities;
    }

    private static String alphanumeric(int length, SecureRandom random) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    /** The source addresses {@link #keyProven} and {@link #peerjsStyle} use for {@code count} ids. */
    public static int sourcesFor(int count) {
        return (count + 49) / 50;
    }

    /** The {@code n}-th loopback source address, counted from 127.1.0.1. */
    public static String loopbackSource(int n) {
        return "127.1." + (n / 250) + "." + (n % 250 + 1);
    }

    /**
     * Connects the peers, {@code concurrency} handshakes at a time, and waits for every OPEN.
     *
     * @return nanoseconds from the first handshake to the last OPEN
     */
    public long connect(int port, List<Identity> identities, int concurrency, Duration timeout) throws Exception {
        ExecutorService handshakes = Executors.newFixedThreadPool(concurrency, task -> {
            Thread thread = new Thread(task, "handshake");
            thread.setDaemon(true);
            return thread;
        });
        List<Peer> added = new ArrayList<>();
        List<CompletableFuture<Void>> joined = new ArrayList<>();
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        try {
            for (Identity identity : identities) {
                Peer peer = new Peer(identity.id(), loops.get(added.size() % loops.size()));
                added.add(peer);
                // Heartbeats from the OPEN on: a slow connect phase outlasts the server's alive timeout.
                joined.add(peer.opened.thenRun(() -> {
                    synchronized (peers) {
                        peers.add(peer);
                    }
                }));
                handshakes.execute(() -> {
                    try {
                        peer.handshake(port, identity.token(), identity.source());
                    } catch (IOException | RuntimeException e) {
                        peer.opened.completeExceptionally(e);
                    }
                });
            }
            for (CompletableFuture<Void> open : joined) {
                try {
                    open.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException late) {
                    throw new IllegalStateException(joined.stream().filter(CompletableFuture::isDone).count()
                            + " of " + identities.size() + " peers open after " + timeout + "; e.g. "
                            + unexpectedSample(), late);
                }
            }
        } finally {
            handshakes.shutdownNow();
        }
        return System.nanoTime() - start;
    }

    /**
     * Relays {@code count} messages between random pairs of the connected peers with at most {@code window} in
     * flight (a closed loop: a message is sent when one arrives), until all arrived or the time is up.
     */
    public Relay relay(int count, int window, Duration limit) throws InterruptedException {
        Phase current = new Phase(nextSequence, count, window);
        nextSequence += count;
        phase = current;
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        int sent = 0;
        while (sent < count && current.window.tryAcquire(Math.max(0, deadline - System.nanoTime()),
                TimeUnit.NANOSECONDS)) {
            sendOne(current, sent++);
        }
        awaitReceived(current, sent, deadline);
        return finish(current, sent, start);
    }

    /**
     * One message from every connected peer to the next in a ring, at most {@code window} in flight: when all
     * arrive, every peer could both send and receive. The relay's latencies are indexed by the sender.
     */
    public Relay ring(int window, Duration limit) throws InterruptedException {
        List<Peer> ring;
        synchronized (peers) {
            ring = new ArrayList<>(peers);
        }
        Phase current = new Phase(nextSequence, ring.size(), window);
        nextSequence += ring.size();
        phase = current;
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        int sent = 0;
        while (sent < ring.size() && current.window.tryAcquire(Math.max(0, deadline - System.nanoTime()),
                TimeUnit.NANOSECONDS)) {
            ring.get(sent).send(candidate(ring.get((sent + 1) % ring.size()).id, current.firstSequence + sent));
            sent++;
        }
        awaitReceived(current, sent, deadline);
        return finish(current, sent, start);
    }

    /** Peers whose OPEN arrived and whose socket is still open. */
    public int connectedPeers() {
        synchronized (peers) {
            return (int) peers.stream().filter(peer -> !peer.isGone()).count();
        }
    }

    /**
     * Sends {@code count} messages at a steady {@code perSecond} (an open loop: the send times do not depend on the
     * server), then waits for them, so that the latency is that of a server not driven to saturation.
     */
    public Relay paced(int count, int perSecond, Duration limit) throws InterruptedException {
        Phase current = new Phase(nextSequence, count, 0);
        nextSequence += count;
        phase = current;
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        long interval = 1_000_000_000L / perSecond;
        int sent = 0;
        while (sent < count && System.nanoTime() < deadline) {
            long wait = start + sent * interval - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                continue;
            }
            sendOne(current, sent++);
        }
        awaitReceived(current, sent, deadline);
        return finish(current, sent, start);
    }

    private void sendOne(Phase current, int index) {
        int size = peers.size();
        int from = random.nextInt(size);
        int to = random.nextInt(size - 1);
        if (to >= from) {
            to++;
        }
        peers.get(from).send(candidate(peers.get(to).id, current.firstSequence + index));
    }

    /** A CANDIDATE frame to {@code destination} carrying the sequence number and the send time. */
    private String candidate(String destination, long sequence) {
        return CANDIDATE_START + destination + CANDIDATE_MIDDLE + sequence + ",\"t\":" + (System.nanoTime() - epoch)
                + "}}";
    }

    private static void awaitReceived(Phase current, int sent, long deadline) throws InterruptedException {
        while (current.received.get() < sent && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
    }

    private static Relay finish(Phase current, int sent, long start) {
        int received = current.received.get();
        long end = received == 0 ? System.nanoTime() : current.lastReceived.get();
        long[] latencies = new long[received];
        int filled = 0;
        for (long latency : current.latencies) {
            if (latency > 0 && filled < received) {
                latencies[filled++] = latency;
            }
        }
        return new Relay(sent, received, end - start, Arrays.copyOf(latencies, filled));
    }

    /** Frames that were neither OPEN nor a relayed benchmark message (ERROR, LEAVE, EXPIRE, ...). */
    public int unexpectedFrames() {
        return unexpected.get();
    }

    public String unexpectedSample() {
        return String.join(" | ", unexpectedSamples);
    }

    /** Sockets that closed while the swarm was open. */
    public int closedSockets() {
        return closed.get();
    }

    private void note(String sample) {
        if (unexpectedSamples.size() < 5) {
            unexpectedSamples.add(sample.length() > 200 ? sample.substring(0, 200) : sample);
        }
    }

    private void received(long sequence, long sentAt) {
        long now = System.nanoTime();
        Phase current = phase;
        if (current == null) {
            return;
        }
        long index = sequence - current.firstSequence;
        if (index < 0 || index >= current.latencies.length) {
            return;
        }
        current.latencies[(int) index] = Math.max(1, now - epoch - sentAt);
        current.lastReceived.set(now);
        current.received.incrementAndGet();
        if (current.window != null) {
            current.window.release();
        }
    }

    /** Every second, a fifth of the peers say HEARTBEAT: each peer once per {@link #HEARTBEAT_INTERVAL}. */
    private void sendHeartbeats() {
        List<Peer> all;
        synchronized (peers) {
            all = new ArrayList<>(peers);
        }
        int turns = (int) HEARTBEAT_INTERVAL.toSeconds();
        for (int i = heartbeatTurn; i < all.size(); i += turns) {
            all.get(i).send(HEARTBEAT);
        }
        heartbeatTurn = (heartbeatTurn + 1) % turns;
    }

    @Override
    public void close() {
        heartbeats.shutdownNow();
        loops.forEach(ReadLoop::stop);
        synchronized (peers) {
            peers.forEach(Peer::closeQuietly);
            peers.clear();
        }
    }

    /** A selector thread that reads the sockets given to it and writes what their senders could not. */
    private final class ReadLoop implements Runnable {

        final Selector selector = Selector.open();
        final Thread thread;
        final Queue<Peer> toRegister = new ConcurrentLinkedQueue<>();
        final Queue<Peer> toWrite = new ConcurrentLinkedQueue<>();
        volatile boolean running = true;

        ReadLoop(int number) throws IOException {
            thread = new Thread(this, "swarm-read-" + number);
            thread.setDaemon(true);
        }

        void register(Peer peer) {
            toRegister.add(peer);
            selector.wakeup();
        }

        void wantsWrite(Peer peer) {
            toWrite.add(peer);
            selector.wakeup();
        }

        @Override
        public void run() {
            while (running) {
                try {
                    selector.select();
                    for (Peer peer; (peer = toRegister.poll()) != null; ) {
                        peer.key = peer.channel.register(selector, SelectionKey.OP_READ, peer);
                        peer.readFrames();
                    }
                    for (Peer peer; (peer = toWrite.poll()) != null; ) {
                        if (peer.key != null && peer.key.isValid()) {
                            peer.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                        }
                    }
                    for (SelectionKey key : selector.selectedKeys()) {
                        Peer peer = (Peer) key.attachment();
                        if (!key.isValid()) {
                            continue;
                        }
                        if (key.isWritable()) {
                            peer.flushPending();
                        }
                        if (key.isValid() && key.isReadable()) {
                            peer.read();
                        }
                    }
                    selector.selectedKeys().clear();
                } catch (IOException | RuntimeException e) {
                    if (running) {
                        note("read loop: " + e);
                    }
                }
            }
        }

        void stop() {
            running = false;
            selector.wakeup();
            try {
                thread.join(2000);
                selector.close();
            } catch (IOException | InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One peer's socket. */
    private final class Peer {

        final String id;
        final ReadLoop loop;
        final CompletableFuture<Void> opened = new CompletableFuture<>();
        final byte[] mask = new byte[4];
        SocketChannel channel;
        SelectionKey key;
        /** Small at first and grown as frames or records need: tens of thousands of idle peers fit in one heap. */
        private ByteBuffer in = ByteBuffer.allocate(4 << 10);
        /** TLS only: the engine, and the records read from the socket and not yet unwrapped. */
        private SSLEngine engine;
        private ByteBuffer netIn;
        private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
        private StringBuilder fragments;
        private boolean gone;

        Peer(String id, ReadLoop loop) {
            this.id = id;
            this.loop = loop;
            keys.nextBytes(mask);
        }

        /** The TLS handshake if any and the HTTP upgrade, blocking; then the socket goes to its read loop. */
        void handshake(int port, String token, String source) throws IOException {
            channel = SocketChannel.open();
            if (source != null) {
                channel.bind(new InetSocketAddress(source, 0));
            }
            channel.connect(new InetSocketAddress("127.0.0.1", port));
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (tls != null) {
                // No peer host and port: the engine then neither offers nor resumes a cached session.
                engine = tls.createSSLEngine();
                engine.setUseClientMode(true);
                netIn = ByteBuffer.allocate(4 << 10);
                tlsHandshake();
            }
            byte[] nonce = new byte[16];
            keys.nextBytes(nonce);
            String request = "GET /peerjs?key=peerjs&id=" + URLEncoder.encode(id, StandardCharsets.UTF_8)
                    + "&token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&version=1.5.5 HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + port + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n";
            ByteBuffer out = wire(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
            while (out.hasRemaining()) {
                channel.write(out);
            }
            int headerEnd;
            while ((headerEnd = headerEnd()) < 0) {
                if (!in.hasRemaining()) {
                    in = ByteBuffer.allocate(in.capacity() * 2).put(in.flip());
                }
                if (readSocket() < 0) {
                    throw new IOException(id + ": the server closed the socket during the handshake");
                }
            }
            String response = new String(in.array(), 0, headerEnd, StandardCharsets.ISO_8859_1);
            if (!response.startsWith("HTTP/1.1 101")) {
                throw new IOException(id + ": upgrade refused: " + response.lines().findFirst().orElse(""));
            }
            in.flip();
            in.position(headerEnd);
            in.compact();
            channel.configureBlocking(false);
            loop.register(this);
        }

        /** The client's side of the TLS handshake over the still blocking channel. */
        private void tlsHandshake() throws IOException {
            engine.beginHandshake();
            ByteBuffer nothing = ByteBuffer.allocate(0);
            while (true) {
                switch (engine.getHandshakeStatus()) {
                    case NEED_WRAP -> {
                        ByteBuffer out = wire(nothing);
                        while (out.hasRemaining()) {
                            channel.write(out);
                        }
                    }
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        netIn.flip();
                        SSLEngineResult result = engine.unwrap(netIn, in);
                        netIn.compact();
                        if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
                                && channel.read(roomInNetIn()) < 0) {
                            throw new IOException(id + ": the server closed the socket during the TLS handshake");
                        }
                        if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                            throw new IOException(id + ": the server ended TLS during its handshake");
                        }
                    }
                    case NEED_TASK -> {
                        for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
                            task.run();
                        }
                    }
                    default -> {
                        return;
                    }
                }
            }
        }

        /** The bytes to write for {@code plain}: itself, or its TLS records. Senders hold the peer's lock. */
        private ByteBuffer wire(ByteBuffer plain) throws SSLException {
            if (engine == null) {
                return plain;
            }
            ByteBuffer records = ByteBuffer.allocate(engine.getSession().getPacketBufferSize()
                    * (1 + plain.remaining() / 16384));
            do {
                SSLEngineResult result = engine.wrap(plain, records);
                if (result.getStatus() != SSLEngineResult.Status.OK) {
                    throw new SSLException(id + ": TLS wrap " + result.getStatus());
                }
            } while (plain.hasRemaining());
            return records.flip();
        }

        /**
         * Reads from the socket into {@link #in} (plain bytes), unwrapping TLS records; returns what the socket read
         * (-1 at its end).
         */
        private int readSocket() throws IOException {
            if (engine == null) {
                return channel.read(in);
            }
            int count = channel.read(roomInNetIn());
            netIn.flip();
            try {
                while (netIn.hasRemaining()) {
                    SSLEngineResult result = engine.unwrap(netIn, in);
                    if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                        break;
                    }
                    if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                        return -1;
                    }
                    if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                        ByteBuffer bigger = ByteBuffer.allocate(in.capacity() * 2);
                        in.flip();
                        bigger.put(in);
                        in = bigger;
                    }
                    if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                        for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
                            task.run();
                        }
                    }
                }
            } finally {
                netIn.compact();
            }
            return count;
        }

        /** {@link #netIn}, twice as large when a record that does not fit it yet fills it. */
        private ByteBuffer roomInNetIn() {
            if (!netIn.hasRemaining()) {
                netIn = ByteBuffer.allocate(netIn.capacity() * 2).put(netIn.flip());
            }
            return netIn;
        }

        /** The end of the response header (after its blank line), or -1 while it is incomplete. */
        private int headerEnd() {
            byte[] bytes = in.array();
            for (int i = 3; i < in.position(); i++) {
                if (bytes[i] == '\n' && bytes[i - 1] == '\r' && bytes[i - 2] == '\n' && bytes[i - 3] == '\r') {
                    return i + 1;
                }
            }
            return -1;
        }

        /** Reads what the socket has and handles every complete frame. */
        void read() {
            try {
                int count = readSocket();
                if (count < 0) {
                    lost("the server closed the socket");
                    return;
                }
                readFrames();
            } catch (IOException e) {
                lost(e.toString());
            }
        }

        void readFrames() {
            in.flip();
            while (in.remaining() >= 2) {
                int start = in.position();
                int first = in.get(start) & 0xff;
                int second = in.get(start + 1) & 0xff;
                long length = second & 0x7f;
                int header = 2;
                if (length == 126) {
                    if (in.remaining() < 4) {
                        break;
                    }
                    length = in.getShort(start + 2) & 0xffff;
                    header = 4;
                } else if (length == 127) {
                    if (in.remaining() < 10) {
                        break;
                    }
                    length = in.getLong(start + 2);
                    header = 10;
                }
                if ((second & 0x80) != 0) {
                    header += 4; // servers do not mask; a masked frame would be refused below
                }
                if (in.remaining() < header + length) {
                    if (header + length > in.capacity()) {
                        ByteBuffer bigger = ByteBuffer.allocate((int) (header + length) * 2);
                        bigger.put(in);
                        in = bigger;
                        return;
                    }
                    break;
                }
                frame(first & 0x80, first & 0x0f, start + header, (int) length, (second & 0x80) != 0);
                in.position(start + header + (int) length);
            }
            in.compact();
        }

        private void frame(int fin, int opcode, int offset, int length, boolean masked) {
            if (masked) {
                unexpected.incrementAndGet();
                note(id + ": masked frame from the server");
                return;
            }
            switch (opcode) {
                case OPCODE_TEXT, OPCODE_CONTINUATION -> {
                    String text = new String(in.array(), offset, length, StandardCharsets.UTF_8);
                    if (fin == 0 || fragments != null) {
                        if (fragments == null) {
                            fragments = new StringBuilder();
                        }
                        fragments.append(text);
                        if (fin == 0) {
                            return;
                        }
                        text = fragments.toString();
                        fragments = null;
                    }
                    message(text);
                }
                case OPCODE_CLOSE -> lost("close frame " + (length >= 2 ? in.getShort(offset) & 0xffff : 0)
                        + (length > 2 ? " " + new String(in.array(), offset + 2, length - 2,
                        StandardCharsets.UTF_8) : ""));
                case OPCODE_PING -> sendFrame(0xA, new String(in.array(), offset, length,
                        StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.ISO_8859_1));
                default -> {
                    // pong, binary: not part of the protocol
                }
            }
        }

        private void message(String text) {
            int seq = text.lastIndexOf("\"seq\":");
            if (seq >= 0 && text.startsWith("{\"type\":\"CANDIDATE\"")) {
                int t = text.indexOf(",\"t\":", seq);
                received(Long.parseLong(text, seq + 6, t, 10), Long.parseLong(text, t + 5, text.indexOf('}', t),
                        10));
            } else if (text.startsWith("{\"type\":\"OPEN\"")) {
                opened.complete(null);
            } else {
                unexpected.incrementAndGet();
                note(id + ": " + text);
                if (text.contains("\"ERROR\"") || text.contains("\"ID-TAKEN\"")) {
                    opened.completeExceptionally(new IllegalStateException(id + " refused: " + text));
                }
            }
        }

        void send(String text) {
            sendFrame(OPCODE_TEXT, text.getBytes(StandardCharsets.UTF_8));
        }

        /** Writes a masked frame now if the socket takes it, else queues it for the read loop to write. */
        private void sendFrame(int opcode, byte[] payload) {
            int length = payload.length;
            int header = length < 126 ? 2 : length < 65536 ? 4 : 10;
            ByteBuffer frame = ByteBuffer.allocate(header + 4 + length);
            frame.put((byte) (0x80 | opcode));
            if (length < 126) {
                frame.put((byte) (0x80 | length));
            } else if (length < 65536) {
                frame.put((byte) (0x80 | 126)).putShort((short) length);
            } else {
                frame.put((byte) (0x80 | 127)).putLong(length);
            }
            frame.put(mask);
            for (int i = 0; i < length; i++) {
                frame.put((byte) (payload[i] ^ mask[i & 3]));
            }
            frame.flip();
            synchronized (this) {
                if (gone) {
                    return;
                }
                try {
                    frame = wire(frame);
                } catch (SSLException e) {
                    lost(e.toString());
                    return;
                }
                if (pending.isEmpty()) {
                    try {
                        channel.write(frame);
                    } catch (IOException e) {
                        lost(e.toString());
                        return;
                    }
                    if (!frame.hasRemaining()) {
                        return;
                    }
                }
                pending.add(frame);
            }
            loop.wantsWrite(this);
        }

        /** In the read loop: writes what is queued; stops asking to write once nothing is left. */
        synchronized void flushPending() {
            try {
                while (!pending.isEmpty()) {
                    ByteBuffer next = pending.peek();
                    channel.write(next);
                    if (next.hasRemaining()) {
                        return;
                    }
                    pending.poll();
                }
                key.interestOps(SelectionKey.OP_READ);
            } catch (IOException e) {
                lost(e.toString());
            }
        }

        private void lost(String why) {
            synchronized (this) {
                if (gone) {
                    return;
                }
                gone = true;
            }
            closed.incrementAndGet();
            note(id + " lost: " + why);
            opened.completeExceptionally(new IllegalStateException(id + ": " + why));
            closeQuietly();
        }

        synchronized boolean isGone() {
            return gone;
        }

        void closeQuietly() {
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}

package dev.persona.bench.signaling;

import static dev.persona.testkit.Directories.deleteRecursively;

import dev.persona.bench.BenchmarkMain;
import dev.persona.bench.BenchmarkResult;
import dev.persona.bench.JvmProcess;
import dev.persona.bench.ProcessMemory;
import dev.persona.bench.Samples;
import dev.persona.testkit.PersonaHost;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Issue 13's signaling benchmark, the headline: the host as {@code ./persona start --background} deploys it (the EAR
 * in WildFly, {@code wss://} on its HTTPS port, its real settings, a data directory and ports of the benchmark's
 * own) against {@code peer@1.0.2} over {@code wss://} with a self-signed P-256 certificate made in the run (node's
 * https server), both driven by one load generator ({@link PeerSwarm} over TLS) in this JVM, rounds alternating. Each
 * server first gets a warm-up round that is not counted (its figures are printed and kept in the notes as the cold
 * ones). Every round: connect N peers (key-proven ids for Persona, each with a fresh Ed25519 proof; plain ids for
 * peer, as peerjs makes them), relay M CANDIDATE messages between random pairs with a window in flight, then a paced
 * phase, then disconnect. Persona's limit of peers per source address ({@code PERSONA_SIGNALING_PEERS_PER_SOURCE},
 * 50) stays as shipped: the peers connect from many loopback addresses (127.x.y.z), a fresh set each round, so
 * that the proofs remembered per address stay within their limit too; peer gets the same addresses.
 *
 * <p>Settings (system properties): {@code bench.repository}, {@code bench.signaling.peers} (2000),
 * {@code bench.signaling.messages} (100000), {@code bench.signaling.window} (500), {@code bench.signaling.rounds}
 * (3, after the warm-up), {@code bench.signaling.paced.rate} (2000), {@code bench.signaling.paced.messages} (10000),
 * {@code bench.signaling.clients} (2), {@code bench.signaling.phase.seconds} (90), {@code bench.node},
 * {@code bench.signaling.peer.port} (0: a free port), the host's ports {@code persona.it.*.port} (bench/run passes
 * 37080, 37443, 37990, 37993), {@code bench.signaling.jfr} (a file: record a JFR profile of the host's JVM during
 * the last round's relay phase, or its connect phase with {@code bench.signaling.jfr.phase=connect}).
 */
public final class DeployedSignalingBenchmark {

    private static final Duration PHASE_LIMIT = Duration.ofSeconds(Long.getLong("bench.signaling.phase.seconds",
            90));

    private final Path repository = Path.of(System.getProperty("bench.repository", ".")).toAbsolutePath().normalize();
    private final Path work = repository.resolve("bench/work/signaling");
    private final Path results = repository.resolve("bench/results");
    private final int peerCount = Integer.getInteger("bench.signaling.peers", 2000);
    private final int messages = Integer.getInteger("bench.signaling.messages", 100_000);
    private final int window = Integer.getInteger("bench.signaling.window", 500);
    private final int rounds = Integer.getInteger("bench.signaling.rounds", 3);
    private final int pacedRate = Integer.getInteger("bench.signaling.paced.rate", 2000);
    private final int pacedMessages = Integer.getInteger("bench.signaling.paced.messages", 10_000);
    private final int clients = Integer.getInteger("bench.signaling.clients", 2);
    private final String jfr = System.getProperty("bench.signaling.jfr", "");
    /** The phase the JFR profile covers: {@code relay} (the closed-loop relay) or {@code connect}. */
    private final String jfrPhase = System.getProperty("bench.signaling.jfr.phase", "relay");
    private final SecureRandom random = new SecureRandom();
    private final List<Double> loadAverages = new ArrayList<>();
    /** The next loopback source address to hand out, counted from 127.1.0.1. */
    private int nextSource;

    /** What one side's server is: its process and how to reach it. */
    private interface Server {
        long pid();

        int port();

        /** A full collection; the bytes of heap in use and committed after it. */
        long[] collectGarbage() throws Exception;
    }

    /** One side's round. */
    private record Run(DeployedSide side, int round, double connectsPerSecond, double connectCpuMicros,
                       double rate, double p50, double p99, double pacedP50, double pacedP99,
                       double cpuMicrosPerMessage, double userMicros, double kernelMicros, double clientCpuMicros,
                       double memoryKibPerPeer, double residentKibPerPeer, double heapKibPerPeer,
                       long connectedResident, int lost, int unexpected) {
    }

    public static void main(String[] args) throws Exception {
        BenchmarkMain.run("deployed signaling", new DeployedSignalingBenchmark()::run);
    }

    private void run() throws Exception {
        Files.createDirectories(work);
        Path data = work.resolve("host");
        deleteRecursively(data);
        PersonaHost host = new PersonaHost(data);
        Path[] pem = selfSignedCertificate();
        Path peerModule = work.getParent().resolve("peer/node_modules/peer");
        if (!Files.isDirectory(peerModule)) {
            throw new IllegalStateException(peerModule + " is missing; bench/run installs peer@1.0.2 there");
        }
        long bootStart = System.nanoTime();
        host.start();
        System.out.printf(Locale.ROOT, "host started in %.1f s%n", (System.nanoTime() - bootStart) / 1e9);
        long hostPid = Long.parseLong(Files.readString(data.resolve("run/wildfly.pid")).trim());
        try (ServerProcess peer = ServerProcess.peerOverTls(Path.of(System.getProperty("bench.node", "node")),
                repository.resolve("bench/src/main/node/peer-server.cjs"), peerModule, pem[0], pem[1],
                Integer.getInteger("bench.signaling.peer.port", 0), work.resolve("peer-wss.log"))) {
            Server persona = new Server() {
                public long pid() {
                    return hostPid;
                }

                public int port() {
                    return host.httpsPort;
                }

                public long[] collectGarbage() throws Exception {
                    return JvmProcess.heapAfterFullCollection(hostPid);
                }
            };
            Server node = new Server() {
                public long pid() {
                    return peer.pid();
                }

                public int port() {
                    return peer.port;
                }

                public long[] collectGarbage() throws Exception {
                    long used = peer.collectGarbage();
                    return new long[] {used, 0};
                }
            };
            Map<DeployedSide, List<Run>> runs = new LinkedHashMap<>();
            Map<DeployedSide, Run> cold = new LinkedHashMap<>();
            for (int round = 0; round <= rounds; round++) {
                List<DeployedSide> order = DeployedSide.order(round % 2 == 0);
                for (DeployedSide side : order) {
                    boolean profile = !jfr.isEmpty() && side == DeployedSide.PERSONA && round == rounds;
                    Run run = round(side, side == DeployedSide.PERSONA ? persona : node, round, profile);
                    print(run);
                    if (round == 0) {
                        cold.put(side, run);
                    } else {
                        runs.computeIfAbsent(side, s -> new ArrayList<>()).add(run);
                    }
                }
            }
            if (rounds > 0) {
                report(runs.get(DeployedSide.PERSONA), runs.get(DeployedSide.PEER), cold);
            }
        } finally {
            host.stop();
        }
    }

    private Run round(DeployedSide side, Server server, int round, boolean profile) throws Exception {
        loadAverages.add(loadAverage());
        try (PeerSwarm swarm = new PeerSwarm(clients, trustingAnyCertificate())) {
            long[] idleHeap = server.collectGarbage();
            long idleResident = ProcessMemory.residentBytes(server.pid());
            List<PeerSwarm.Identity> identities = identities(side, server.port());
            boolean profileConnect = profile && jfrPhase.equals("connect");
            boolean profileRelay = profile && !profileConnect;
            if (profileConnect) {
                JvmProcess.jcmd(server.pid(), "JFR.start", "name=connect", "settings=profile", "filename=" + jfr);
            }
            long[] connectCpuBefore = ProcessMemory.userAndSystemNanos(server.pid());
            long connectNanos = swarm.connect(server.port(), identities, 64, PHASE_LIMIT);
            long[] connectCpuAfter = ProcessMemory.userAndSystemNanos(server.pid());
            if (profileConnect) {
                JvmProcess.jcmd(server.pid(), "JFR.stop", "name=connect");
            }
            long[] connectedHeap = server.collectGarbage();
            long connectedResident = ProcessMemory.residentBytes(server.pid());

            if (profileRelay) {
                JvmProcess.jcmd(server.pid(), "JFR.start", "name=relay", "settings=profile", "filename=" + jfr);
            }
            long[] cpuBefore = ProcessMemory.userAndSystemNanos(server.pid());
            long[] clientBefore = ProcessMemory.userAndSystemNanos(ProcessHandle.current().pid());
            PeerSwarm.Relay relay = swarm.relay(messages, window, PHASE_LIMIT);
            long[] cpuAfter = ProcessMemory.userAndSystemNanos(server.pid());
            long[] clientAfter = ProcessMemory.userAndSystemNanos(ProcessHandle.current().pid());
            if (profileRelay) {
                JvmProcess.jcmd(server.pid(), "JFR.stop", "name=relay");
            }
            PeerSwarm.Relay paced = swarm.paced(pacedMessages, pacedRate, PHASE_LIMIT);
            if (swarm.unexpectedFrames() + swarm.closedSockets() > 0) {
                System.out.println(side.label + ": " + swarm.unexpectedFrames() + " unexpected frames, "
                        + swarm.closedSockets() + " closed sockets, e.g. " + swarm.unexpectedSample());
            }
            double perMessage = 1e3 * Math.max(1, relay.received());
            Samples latency = latencies(relay);
            Samples pacedLatency = latencies(paced);
            double residentPerPeer = (connectedResident - idleResident) / 1024.0 / peerCount;
            double heapPerPeer = (connectedHeap[0] - idleHeap[0]) / 1024.0 / peerCount;
            // Node: the heap grows inside the resident set. The JVM: the resident set also grows as the heap
            // commits pages; what grows beyond the committed heap is native (socket and TLS buffers).
            double memoryPerPeer = side == DeployedSide.PEER ? residentPerPeer : heapPerPeer + Math.max(0,
                    (connectedResident - idleResident) - (connectedHeap[1] - idleHeap[1])) / 1024.0 / peerCount;
            return new Run(side, round, peerCount / (connectNanos / 1e9),
                    (connectCpuAfter[0] + connectCpuAfter[1] - connectCpuBefore[0] - connectCpuBefore[1]) / 1e3
                            / peerCount, relay.messagesPerSecond(), latency.median(), latency.percentile(99),
                    pacedLatency.median(), pacedLatency.percentile(99),
                    (cpuAfter[0] + cpuAfter[1] - cpuBefore[0] - cpuBefore[1]) / perMessage,
                    (cpuAfter[0] - cpuBefore[0]) / perMessage, (cpuAfter[1] - cpuBefore[1]) / perMessage,
                    (clientAfter[0] + clientAfter[1] - clientBefore[0] - clientBefore[1]) / perMessage,
                    memoryPerPeer, residentPerPeer, heapPerPeer, connectedResident,
                    relay.sent() - relay.received() + paced.sent() - paced.received(),
                    swarm.unexpectedFrames() + swarm.closedSockets());
        }
    }

    private void print(Run run) {
        System.out.printf(Locale.ROOT, "%-34s %s: %.0f connects/s (server cpu %.0f µs each), %.0f msg/s, server cpu "
                        + "%.1f µs/msg (user %.1f, kernel %.1f), p50 %.2f ms, p99 %.2f ms, paced p50 %.2f / p99 "
                        + "%.2f ms, memory/peer %.2f KiB (RSS %.2f, heap %.2f), load generator %.1f µs/msg, lost %d, "
                        + "unexpected %d, load %.1f%n", run.side().label,
                run.round() == 0 ? "warm-up" : "round " + run.round(), run.connectsPerSecond(),
                run.connectCpuMicros(), run.rate(), run.cpuMicrosPerMessage(), run.userMicros(), run.kernelMicros(),
                run.p50(), run.p99(), run.pacedP50(), run.pacedP99(), run.memoryKibPerPeer(),
                run.residentKibPerPeer(), run.heapKibPerPeer(), run.clientCpuMicros(), run.lost(), run.unexpected(),
                loadAverages.get(loadAverages.size() - 1));
    }

    /** {@link DeployedSide#identities} for the run's peers, on loopback source addresses never reused in the run. */
    private List<PeerSwarm.Identity> identities(DeployedSide side, int port) {
        int firstSource = nextSource;
        nextSource += PeerSwarm.sourcesFor(peerCount);
        return side.identities(peerCount, port, firstSource, random);
    }

    private static Samples latencies(PeerSwarm.Relay relay) {
        if (relay.latencyNanos().length == 0) {
            return Samples.of(Double.NaN);
        }
        return Samples.of(relay.latencyNanos(), relay.latencyNanos().length, 1e-6);
    }

    /**
     * The load generator accepts any certificate: both servers' certificates are made in the run (the host's by its
     * own CA, peer's self-signed), and the connection is loopback; what is measured is TLS's cost, not its trust.
     */
    static SSLContext trustingAnyCertificate() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return context;
    }

    /** A P-256 key and a self-signed certificate for 127.0.0.1 (PEM), made with openssl for peer's https server. */
    private Path[] selfSignedCertificate() throws Exception {
        return selfSignedCertificate(work);
    }

    /** {@link #selfSignedCertificate()} into {@code work}. */
    static Path[] selfSignedCertificate(Path work) throws Exception {
        Path key = work.resolve("peer-key.pem");
        Path certificate = work.resolve("peer-cert.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out", certificate.toString(),
                "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1")
                .redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!openssl.waitFor(60, TimeUnit.SECONDS) || openssl.exitValue() != 0) {
            throw new IllegalStateException("openssl could not make peer's certificate: " + output);
        }
        return new Path[] {key, certificate};
    }

    static double loadAverage() throws IOException {
        return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    }

    // ---- results -------------------------------------------------------------------------------------------------

    private static double median(List<Run> runs, ToDoubleFunction<Run> figure) {
        return Samples.of(runs.stream().mapToDouble(figure).toArray()).median();
    }

    private static String round(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private Map<String, Object> details(List<Run> ours, List<Run> peer, Map<DeployedSide, Run> cold,
                                        ToDoubleFunction<Run> figure) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("peers", peerCount);
        details.put("messages", messages);
        details.put("window", window);
        details.put("ours_runs", ours.stream().map(run -> round(figure.applyAsDouble(run))).toList().toString());
        details.put("baseline_runs", peer.stream().map(run -> round(figure.applyAsDouble(run))).toList().toString());
        details.put("ours_cold", round(figure.applyAsDouble(cold.get(DeployedSide.PERSONA))));
        details.put("baseline_cold", round(figure.applyAsDouble(cold.get(DeployedSide.PEER))));
        details.put("load_average_1min", loadAverages.stream().map(DeployedSignalingBenchmark::round).toList()
                .toString());
        return details;
    }

    private String setup() {
        return "Ours: the host as ./persona start --background deploys it (EAR in WildFly, wss:// on its HTTPS port, "
                + "the shipped settings: key-proven ids, every connection an Ed25519 proof, 50 peers per source "
                + "address) with a data directory of its own; baseline: peer@1.0.2's PeerServer in node with its "
                + "ssl option (node's https server, a self-signed P-256 certificate made in the run), defaults, "
                + "plain ids. One load generator for both: " + peerCount + " peers over TLS (PeerSwarm, " + clients
                + " selector threads, a full TLS handshake per connection, 64 at a time), from loopback source "
                + "addresses 127.1.x.y (50 each, fresh ones each round). Relay: " + messages + " CANDIDATE frames "
                + "(~330 bytes) between random pairs, " + window + " in flight (closed loop); paced: "
                + pacedMessages + " at " + pacedRate + "/s. A warm-up round per server first (reported as *_cold), "
                + "then " + rounds + " rounds, sides alternating; medians of the rounds. Server CPU = the WildFly "
                + "JVM's / the node process's CPU time (user + kernel, /proc) during the phase. The machine is a "
                + "shared 2-core one: load_average_1min lists /proc/loadavg at each round's start.";
    }

    private void report(List<Run> ours, List<Run> peer, Map<DeployedSide, Run> cold) throws Exception {
        double oursRate = median(ours, Run::rate);
        double peerRate = median(peer, Run::rate);
        Map<String, Object> rate = details(ours, peer, cold, Run::rate);
        rate.put("ours_server_cpu_us_per_message", median(ours, Run::cpuMicrosPerMessage));
        rate.put("baseline_server_cpu_us_per_message", median(peer, Run::cpuMicrosPerMessage));
        rate.put("load_generator_cpu_us_per_message_with_ours", median(ours, Run::clientCpuMicros));
        rate.put("load_generator_cpu_us_per_message_with_baseline", median(peer, Run::clientCpuMicros));
        rate.put("lost_messages", Stream.concat(ours.stream(), peer.stream()).mapToInt(Run::lost).sum());
        rate.put("unexpected_frames_or_closes", Stream.concat(ours.stream(), peer.stream())
                .mapToInt(Run::unexpected).sum());
        rate.put("notes", setup() + " The load generator shares the 2 cores, so throughput is bound by it as much as "
                + "by the server; CPU per message is the fair figure.");
        new BenchmarkResult("signaling-messages-per-second", "relayed messages/s over wss, deployed host (p50 of "
                + "rounds)", oursRate, peerRate, "ratio >= 1.2", oursRate >= 1.2 * peerRate, rounds,
                "Relay throughput of the deployed host against peer@1.0.2, both over wss, same peers and messages.",
                rate).write(results);

        double oursCpu = median(ours, Run::cpuMicrosPerMessage);
        double peerCpu = median(peer, Run::cpuMicrosPerMessage);
        Map<String, Object> cpu = details(ours, peer, cold, Run::cpuMicrosPerMessage);
        cpu.put("ours_user_us_per_message", median(ours, Run::userMicros));
        cpu.put("baseline_user_us_per_message", median(peer, Run::userMicros));
        cpu.put("ours_kernel_us_per_message", median(ours, Run::kernelMicros));
        cpu.put("baseline_kernel_us_per_message", median(peer, Run::kernelMicros));
        cpu.put("notes", setup());
        new BenchmarkResult("signaling-server-cpu-us-per-message", "server CPU per relayed message over wss, µs "
                + "(deployed host)", oursCpu, peerCpu, "ratio <= 0.5", oursCpu <= 0.5 * peerCpu, rounds,
                "The server process's CPU time per relayed message during the closed-loop relay.", cpu)
                .write(results);

        double oursP99 = median(ours, Run::p99);
        double peerP99 = median(peer, Run::p99);
        Map<String, Object> latency = details(ours, peer, cold, Run::p99);
        latency.put("ours_p50_ms", median(ours, Run::p50));
        latency.put("baseline_p50_ms", median(peer, Run::p50));
        latency.put("notes", setup() + " Closed-loop latency: by Little's law it falls as throughput rises.");
        new BenchmarkResult("signaling-relay-p99-ms", "relay latency p99 under the closed-loop load over wss, ms "
                + "(deployed host)", oursP99, peerP99, "ours <= baseline", oursP99 <= peerP99, rounds,
                "Send-to-receive latency of a relayed message, 99th percentile, same load on both servers.",
                latency).write(results);

        double oursPaced = median(ours, Run::pacedP99);
        double peerPaced = median(peer, Run::pacedP99);
        Map<String, Object> paced = details(ours, peer, cold, Run::pacedP99);
        paced.put("paced_rate_per_second", pacedRate);
        paced.put("ours_p50_ms", median(ours, Run::pacedP50));
        paced.put("baseline_p50_ms", median(peer, Run::pacedP50));
        paced.put("notes", setup() + " Open loop at a steady rate both servers sustain: the relay's own latency.");
        new BenchmarkResult("signaling-paced-p99-ms", "relay latency p99 at " + pacedRate + " msg/s over wss, ms "
                + "(deployed host)", oursPaced, peerPaced, "ours <= baseline", oursPaced <= peerPaced, rounds,
                "Relay latency at a steady load both servers sustain, 99th percentile.", paced).write(results);

        double oursConnects = median(ours, Run::connectsPerSecond);
        double peerConnects = median(peer, Run::connectsPerSecond);
        Map<String, Object> connects = details(ours, peer, cold, Run::connectsPerSecond);
        connects.put("ours_server_cpu_us_per_connection", median(ours, Run::connectCpuMicros));
        connects.put("baseline_server_cpu_us_per_connection", median(peer, Run::connectCpuMicros));
        connects.put("notes", setup() + " Connects/s: " + peerCount + " peers from the first TCP connect to the last "
                + "OPEN, 64 handshakes at a time; each a full TLS handshake, the WebSocket upgrade and (Persona) the "
                + "proof check.");
        new BenchmarkResult("signaling-connects-per-second", "connections/s over TLS, key proofs (Persona) vs "
                + "plain ids (peer)", oursConnects, peerConnects, "ours >= baseline", oursConnects >= peerConnects,
                rounds, "Peers connected per second over wss, from TCP connect to OPEN.", connects).write(results);

        double oursMemory = median(ours, Run::memoryKibPerPeer);
        double peerMemory = median(peer, Run::memoryKibPerPeer);
        Map<String, Object> memory = details(ours, peer, cold, Run::memoryKibPerPeer);
        memory.put("ours_resident_kib_per_peer", median(ours, Run::residentKibPerPeer));
        memory.put("ours_heap_kib_per_peer", median(ours, Run::heapKibPerPeer));
        memory.put("ours_connected_resident_mib", median(ours, run -> run.connectedResident() / 1048576.0));
        memory.put("baseline_connected_resident_mib", median(peer, run -> run.connectedResident() / 1048576.0));
        memory.put("notes", setup() + " Read before and after connecting, each right after a full collection "
                + "(jcmd GC.run / global.gc()). Node: per peer = RSS growth / peers. WildFly: the heap is not "
                + "pre-touched, so per peer = (growth of the used heap + RSS growth beyond the growth of the "
                + "committed heap) / peers; ours_resident_* is the raw RSS growth.");
        new BenchmarkResult("signaling-memory-per-peer-kib", "server memory per connected peer over wss, KiB "
                + "(deployed host)", oursMemory, peerMemory, "reported", null, rounds,
                "What a connected peer costs the server's memory.", memory).write(results);
    }
}

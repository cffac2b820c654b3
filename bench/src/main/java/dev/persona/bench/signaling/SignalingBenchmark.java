package dev.persona.bench.signaling;

import dev.persona.bench.BenchmarkMain;
import dev.persona.bench.BenchmarkResult;
import dev.persona.bench.ProcessMemory;
import dev.persona.bench.Samples;
import dev.persona.signaling.SignalingSettings;
import dev.persona.signaling.identity.IdProof;
import dev.persona.signaling.identity.KeyId;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Component figures (issue 5's benchmark; the headline is {@link DeployedSignalingBenchmark}, the deployed host over
 * wss): persona-signaling in an embedded Undertow over plain {@code ws://} against {@code peer@1.0.2} over
 * {@code ws://}, each in its own process on a loopback port,
 * driven by this JVM as the load generator. For each server: connect N peers, relay M CANDIDATE messages between
 * random pairs with a fixed number in flight (messages/s and relay latency), then a paced phase at a rate both
 * sustain (latency without saturation), and read the server's resident memory before and after connecting (after a
 * full collection in each runtime). Ours runs twice: with plain ids (non-key ids allowed, as {@code peer} has them)
 * and with key-proven ids, to show what the proofs cost. Scenarios alternate over the rounds.
 *
 * <p>Settings (system properties): {@code bench.repository}, {@code bench.signaling.peers} (2000),
 * {@code bench.signaling.messages} (100000), {@code bench.signaling.window} (200), {@code bench.signaling.rounds}
 * (3), {@code bench.signaling.paced.rate} (2000), {@code bench.signaling.paced.messages} (10000),
 * {@code bench.signaling.clients} (2: read threads of the load generator), {@code bench.signaling.server.jvm}
 * (JVM options of our server), {@code bench.signaling.phase.seconds} (90: time limit of each phase),
 * {@code bench.node} (the node executable), {@code bench.signaling.scenarios} (a subset of
 * {@code OURS_PLAIN,PEER,OURS_PROVEN}; results are written only when all three ran).
 */
public final class SignalingBenchmark {

    private static final String BENCHMARK = "signaling-component";
    private static final Duration PHASE_LIMIT = Duration.ofSeconds(Long.getLong("bench.signaling.phase.seconds",
            90));

    private final Path repository = Path.of(System.getProperty("bench.repository", ".")).toAbsolutePath().normalize();
    private final Path work = repository.resolve("bench/work/signaling");
    private final Path results = repository.resolve("bench/results");
    private final int peerCount = Integer.getInteger("bench.signaling.peers", 2000);
    private final int messages = Integer.getInteger("bench.signaling.messages", 100_000);
    private final int window = Integer.getInteger("bench.signaling.window", 200);
    private final int rounds = Integer.getInteger("bench.signaling.rounds", 3);
    private final int pacedRate = Integer.getInteger("bench.signaling.paced.rate", 2000);
    private final int pacedMessages = Integer.getInteger("bench.signaling.paced.messages", 10_000);
    private final int clients = Integer.getInteger("bench.signaling.clients", 2);
    private final List<String> serverJvm = List.of(System.getProperty("bench.signaling.server.jvm",
            "-Xms256m -Xmx256m -XX:+AlwaysPreTouch -XX:+UseG1GC").trim().split("\\s+"));
    private final SecureRandom random = new SecureRandom();

    /** The three servers compared. */
    private enum Scenario {
        OURS_PLAIN("ours, plain ids"), PEER("peer@1.0.2"), OURS_PROVEN("ours, key-proven ids");

        final String label;

        Scenario(String label) {
            this.label = label;
        }
    }

    /** One scenario's run. */
    private record Run(Scenario scenario, double connectSeconds, double connectCpuMicrosPerPeer,
                       double messagesPerSecond, double p50Millis,
                       double p99Millis, double p999Millis, double maxMillis, double pacedP50Millis,
                       double pacedP99Millis, int lost, long idleResident, long connectedResident,
                       long relayedResident, long peakResident, long idleHeap, long connectedHeap,
                       double serverUserMicrosPerMessage, double serverSystemMicrosPerMessage,
                       double clientCpuMicrosPerMessage, int unexpected) {

        double serverCpuMicrosPerMessage() {
            return serverUserMicrosPerMessage + serverSystemMicrosPerMessage;
        }

        double connectsPerSecond(int peers) {
            return peers / connectSeconds;
        }

        double residentPerPeerKib(int peers) {
            return (connectedResident - idleResident) / 1024.0 / peers;
        }

        /**
         * What a connected peer costs the server's memory. Node: the resident set grows with its heap. Ours: the
         * heap is fixed and pre-touched, so the resident set shows native memory only, and the heap the peers keep
         * alive is added.
         */
        double memoryPerPeerKib(int peers) {
            return residentPerPeerKib(peers) + (scenario == Scenario.PEER ? 0 : heapPerPeerKib(peers));
        }

        double heapPerPeerKib(int peers) {
            return (connectedHeap - idleHeap) / 1024.0 / peers;
        }
    }

    public static void main(String[] args) throws Exception {
        BenchmarkMain.run("signaling", new SignalingBenchmark()::run);
    }

    private void run() throws Exception {
        Files.createDirectories(work);
        Map<Scenario, List<Run>> runs = new LinkedHashMap<>();
        for (Scenario scenario : Scenario.values()) {
            runs.put(scenario, new ArrayList<>());
        }
        for (int round = 0; round < rounds; round++) {
            List<Scenario> order = new ArrayList<>();
            for (String name : System.getProperty("bench.signaling.scenarios", "OURS_PLAIN,PEER,OURS_PROVEN")
                    .split(",")) {
                order.add(Scenario.valueOf(name.trim()));
            }
            if (round % 2 == 1) {
                Collections.reverse(order);
            }
            for (Scenario scenario : order) {
                Run run = runScenario(scenario, round);
                runs.get(scenario).add(run);
                System.out.printf(Locale.ROOT, "%-22s round %d: connect %.2f s (%.0f/s, server cpu %.0f µs each), "
                                + "%.0f msg/s, p50 %.2f ms, p99 %.2f ms, paced p50 %.2f / p99 %.2f ms, lost %d, "
                                + "RSS idle %.1f MiB, connected %.1f MiB, after relay %.1f MiB, peak %.1f MiB, "
                                + "heap/peer %.2f KiB, "
                                + "server cpu %.1f µs/msg (user %.1f, kernel %.1f), load generator cpu %.1f µs/msg, "
                                + "unexpected %d%n", scenario.label, round + 1, run.connectSeconds(),
                        run.connectsPerSecond(peerCount), run.connectCpuMicrosPerPeer(), run.messagesPerSecond(),
                        run.p50Millis(), run.p99Millis(),
                        run.pacedP50Millis(), run.pacedP99Millis(), run.lost(), mib(run.idleResident()),
                        mib(run.connectedResident()), mib(run.relayedResident()), mib(run.peakResident()),
                        run.heapPerPeerKib(peerCount), run.serverCpuMicrosPerMessage(),
                        run.serverUserMicrosPerMessage(), run.serverSystemMicrosPerMessage(),
                        run.clientCpuMicrosPerMessage(), run.unexpected());
            }
        }
        if (runs.values().stream().noneMatch(List::isEmpty)) {
            report(runs.get(Scenario.OURS_PLAIN), runs.get(Scenario.PEER), runs.get(Scenario.OURS_PROVEN));
        }
    }

    private static double mib(long bytes) {
        return bytes / 1024.0 / 1024.0;
    }

    private ServerProcess start(Scenario scenario, int round) throws Exception {
        Path log = work.resolve(scenario.name().toLowerCase(Locale.ROOT) + "-" + (round + 1) + ".log");
        if (scenario == Scenario.PEER) {
            Path peerModule = work.getParent().resolve("peer/node_modules/peer");
            if (!Files.isDirectory(peerModule)) {
                throw new IllegalStateException(peerModule + " is missing; bench/run installs peer@1.0.2 there");
            }
            return ServerProcess.peer(Path.of(System.getProperty("bench.node", "node")),
                    repository.resolve("bench/src/main/node/peer-server.cjs"), peerModule, log);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(SignalingSettings.ALLOW_NON_KEY_IDS, Boolean.toString(scenario == Scenario.OURS_PLAIN));
        // peer has no rate limit; ours keeps checking its limit, set where random pairs never reach it.
        settings.put(SignalingSettings.MESSAGES_PER_SECOND, "1000");
        // Every peer of the swarm comes from 127.0.0.1: one source, with room for all of them and their proofs.
        settings.put(SignalingSettings.PEERS_PER_SOURCE, "1000000");
        settings.put(SignalingSettings.PROOFS_PER_SOURCE, "10000000");
        return ServerProcess.ours(scenario.label, serverJvm, settings, log);
    }

    private Run runScenario(Scenario scenario, int round) throws Exception {
        try (ServerProcess server = start(scenario, round); PeerSwarm swarm = new PeerSwarm(clients)) {
            // Warm-up: a tenth of the peers and a fifth of the messages through a swarm of its own, closed again.
            try (PeerSwarm warmUp = new PeerSwarm(clients)) {
                warmUp.connect(server.port, identities(scenario, server.port, Math.max(2, peerCount / 10)), 32,
                        PHASE_LIMIT);
                warmUp.relay(Math.max(1, messages / 5), window, PHASE_LIMIT);
            }
            Thread.sleep(500);
            long idleHeap = server.collectGarbage();
            long idleResident = server.residentBytes();

            List<PeerSwarm.Identity> identities = identities(scenario, server.port, peerCount);
            long[] connectCpuBefore = server.cpuNanos();
            long connectNanos = swarm.connect(server.port, identities, 64, PHASE_LIMIT);
            long[] connectCpuAfter = server.cpuNanos();
            double connectCpu = (connectCpuAfter[0] + connectCpuAfter[1] - connectCpuBefore[0] - connectCpuBefore[1])
                    / 1e3 / peerCount;
            long connectedHeap = server.collectGarbage();
            long connectedResident = server.residentBytes();

            long[] cpuBefore = server.cpuNanos();
            long[] clientBefore = ProcessMemory.userAndSystemNanos(ProcessHandle.current().pid());
            PeerSwarm.Relay relay = swarm.relay(messages, window, PHASE_LIMIT);
            long[] cpuAfter = server.cpuNanos();
            long[] clientAfter = ProcessMemory.userAndSystemNanos(ProcessHandle.current().pid());
            double perMessage = 1e3 * Math.max(1, relay.received());
            PeerSwarm.Relay paced = swarm.paced(pacedMessages, pacedRate, PHASE_LIMIT);
            long relayedResident = server.residentBytes();
            long peak = server.peakResidentBytes();
            if (swarm.unexpectedFrames() + swarm.closedSockets() > 0) {
                System.out.println(scenario.label + ": " + swarm.unexpectedFrames() + " unexpected frames, "
                        + swarm.closedSockets() + " closed sockets, e.g. " + swarm.unexpectedSample());
            }
            System.out.printf(Locale.ROOT, "%s: relay sent %d received %d in %.2f s; paced sent %d received %d%n",
                    scenario.label, relay.sent(), relay.received(), relay.elapsedNanos() / 1e9, paced.sent(),
                    paced.received());
            Samples latency = latencies(relay);
            Samples pacedLatency = latencies(paced);
            return new Run(scenario, connectNanos / 1e9, connectCpu, relay.messagesPerSecond(), latency.median(),
                    latency.percentile(99), latency.percentile(99.9), latency.max(), pacedLatency.median(),
                    pacedLatency.percentile(99), relay.sent() - relay.received() + paced.sent() - paced.received(),
                    idleResident, connectedResident, relayedResident, peak, idleHeap, connectedHeap,
                    (cpuAfter[0] - cpuBefore[0]) / perMessage, (cpuAfter[1] - cpuBefore[1]) / perMessage,
                    (clientAfter[0] + clientAfter[1] - clientBefore[0] - clientBefore[1]) / perMessage,
                    swarm.unexpectedFrames() + swarm.closedSockets());
        }
    }

    private static Samples latencies(PeerSwarm.Relay relay) {
        if (relay.latencyNanos().length == 0) {
            return Samples.of(Double.NaN);
        }
        return Samples.of(relay.latencyNanos(), relay.latencyNanos().length, 1e-6);
    }

    /**
     * Ids of 54 characters either way, so that frames have the same size: key ids with a fresh proof token for
     * {@code http://127.0.0.1:<port>}, or random letters and digits with a random token, as peerjs would make.
     */
    private List<PeerSwarm.Identity> identities(Scenario scenario, int port, int count) {
        List<PeerSwarm.Identity> identities = new ArrayList<>(count);
        String origin = "http://127.0.0.1:" + port;
        for (int i = 0; i < count; i++) {
            if (scenario == Scenario.OURS_PROVEN) {
                Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(random);
                String id = KeyId.of(key.generatePublicKey().getEncoded()).toString();
                String token = IdProof.sign(key, origin, System.currentTimeMillis() / 1000,
                        IdProof.newNonce(random)).token();
                identities.add(new PeerSwarm.Identity(id, token));
            } else {
                identities.add(new PeerSwarm.Identity("p" + alphanumeric(53), alphanumeric(11)));
            }
        }
        return identities;
    }

    private String alphanumeric(int length) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    // ---- results -------------------------------------------------------------------------------------------------

    private double median(List<Run> runs, ToDoubleFunction<Run> figure) {
        return Samples.of(runs.stream().mapToDouble(figure).toArray()).median();
    }

    private Map<String, Object> common(List<Run> ours, List<Run> peer, ToDoubleFunction<Run> figure) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("peers", peerCount);
        details.put("messages", messages);
        details.put("window", window);
        details.put("ours_runs", ours.stream().map(run -> round(figure.applyAsDouble(run))).toList().toString());
        details.put("baseline_runs", peer.stream().map(run -> round(figure.applyAsDouble(run))).toList().toString());
        return details;
    }

    private static String round(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private String setup() {
        return peerCount + " peers connected by a lean NIO WebSocket client (" + clients + " selector threads) in a "
                + "separate load-generator JVM; ours: persona-signaling's PeerJsEndpoint in embedded "
                + "Undertow " + "(WildFly's WebSocket), own JVM (" + String.join(" ", serverJvm) + "), non-key ids "
                + "allowed, rate limit 1000/s per peer; baseline: peer@1.0.2's PeerServer in node --expose-gc, "
                + "defaults. Each server gets a warm-up (a tenth of the peers, a fifth of the messages) first. Relay: "
                + messages
                + " CANDIDATE frames (~330 bytes) between random pairs, " + window + " in flight (closed loop), "
                + "latency = receive - send time in the load generator. Median of " + rounds + " rounds, scenarios "
                + "alternating. Shared 2-core machine: the load generator, the server and other work share it.";
    }

    private void report(List<Run> ours, List<Run> peer, List<Run> proven) throws Exception {
        double oursRate = median(ours, Run::messagesPerSecond);
        double peerRate = median(peer, Run::messagesPerSecond);
        Map<String, Object> rate = common(ours, peer, Run::messagesPerSecond);
        List<String> perRound = new ArrayList<>();
        for (int i = 0; i < Math.min(ours.size(), peer.size()); i++) {
            perRound.add(round(ours.get(i).messagesPerSecond() / peer.get(i).messagesPerSecond()));
        }
        rate.put("ratio_per_round", perRound.toString());
        rate.put("proven_ids_messages_per_second", median(proven, Run::messagesPerSecond));
        rate.put("ours_server_cpu_us_per_message", median(ours, Run::serverCpuMicrosPerMessage));
        rate.put("baseline_server_cpu_us_per_message", median(peer, Run::serverCpuMicrosPerMessage));
        rate.put("ours_server_user_us_per_message", median(ours, Run::serverUserMicrosPerMessage));
        rate.put("baseline_server_user_us_per_message", median(peer, Run::serverUserMicrosPerMessage));
        rate.put("ours_server_kernel_us_per_message", median(ours, Run::serverSystemMicrosPerMessage));
        rate.put("baseline_server_kernel_us_per_message", median(peer, Run::serverSystemMicrosPerMessage));
        rate.put("proven_ids_server_cpu_us_per_message", median(proven, Run::serverCpuMicrosPerMessage));
        rate.put("load_generator_cpu_us_per_message_with_ours", median(ours, Run::clientCpuMicrosPerMessage));
        rate.put("load_generator_cpu_us_per_message_with_baseline", median(peer, Run::clientCpuMicrosPerMessage));
        rate.put("lost_messages", ours.stream().mapToInt(Run::lost).sum() + peer.stream().mapToInt(Run::lost).sum()
                + proven.stream().mapToInt(Run::lost).sum());
        rate.put("unexpected_frames_or_closes", ours.stream().mapToInt(Run::unexpected).sum()
                + peer.stream().mapToInt(Run::unexpected).sum() + proven.stream().mapToInt(Run::unexpected).sum());
        rate.put("notes", setup() + " server_cpu = the server process's CPU time during the relay / messages.");
        new BenchmarkResult(BENCHMARK + "-messages-per-second", "relayed messages/s (p50 of rounds)", oursRate,
                peerRate, "ratio >= 2", oursRate >= 2 * peerRate, rounds,
                "Relay throughput of our signaling server against peer@1.0.2 with the same peers and messages.",
                rate).write(results);

        double oursP99 = median(ours, Run::p99Millis);
        double peerP99 = median(peer, Run::p99Millis);
        Map<String, Object> latency = common(ours, peer, Run::p99Millis);
        latency.put("ours_p50_ms", median(ours, Run::p50Millis));
        latency.put("baseline_p50_ms", median(peer, Run::p50Millis));
        latency.put("ours_p999_ms", median(ours, Run::p999Millis));
        latency.put("baseline_p999_ms", median(peer, Run::p999Millis));
        latency.put("ours_max_ms", median(ours, Run::maxMillis));
        latency.put("baseline_max_ms", median(peer, Run::maxMillis));
        latency.put("proven_ids_p50_ms", median(proven, Run::p50Millis));
        latency.put("proven_ids_p99_ms", median(proven, Run::p99Millis));
        latency.put("paced_rate_per_second", pacedRate);
        latency.put("paced_messages", pacedMessages);
        latency.put("ours_paced_p50_ms", median(ours, Run::pacedP50Millis));
        latency.put("baseline_paced_p50_ms", median(peer, Run::pacedP50Millis));
        latency.put("ours_paced_p99_ms", median(ours, Run::pacedP99Millis));
        latency.put("baseline_paced_p99_ms", median(peer, Run::pacedP99Millis));
        latency.put("notes", setup() + " Saturated figures come from the closed-loop relay (by Little's law they "
                + "fall as throughput rises); paced_* from " + pacedMessages + " messages sent at a steady "
                + pacedRate + "/s after it.");
        new BenchmarkResult(BENCHMARK + "-relay-p99-ms", "relay latency p99, ms, under the closed-loop load",
                oursP99, peerP99, "ours <= baseline (p99 no worse)", oursP99 <= peerP99, rounds,
                "Send-to-receive latency of a relayed message, 99th percentile, same load on both servers.",
                latency).write(results);

        double oursPaced = median(ours, Run::pacedP99Millis);
        double peerPaced = median(peer, Run::pacedP99Millis);
        Map<String, Object> paced = common(ours, peer, Run::pacedP99Millis);
        paced.put("ours_p50_ms", median(ours, Run::pacedP50Millis));
        paced.put("baseline_p50_ms", median(peer, Run::pacedP50Millis));
        paced.put("proven_ids_p99_ms", median(proven, Run::pacedP99Millis));
        paced.put("notes", setup() + " Here " + pacedMessages + " messages at a steady " + pacedRate + "/s (open "
                + "loop), a load both servers sustain, so the latency is the relay's own, not queueing.");
        new BenchmarkResult(BENCHMARK + "-paced-p99-ms", "relay latency p99 at " + pacedRate + " msg/s, ms",
                oursPaced, peerPaced, "ours <= baseline (p99 no worse)", oursPaced <= peerPaced, rounds,
                "Relay latency at a steady load both servers sustain, 99th percentile.", paced).write(results);

        double oursMemory = median(ours, run -> run.memoryPerPeerKib(peerCount));
        double peerMemory = median(peer, run -> run.memoryPerPeerKib(peerCount));
        Map<String, Object> memory = common(ours, peer, run -> run.memoryPerPeerKib(peerCount));
        memory.put("ours_resident_kib_per_peer", median(ours, run -> run.residentPerPeerKib(peerCount)));
        memory.put("baseline_resident_kib_per_peer", median(peer, run -> run.residentPerPeerKib(peerCount)));
        memory.put("ours_heap_kib_per_peer", median(ours, run -> run.heapPerPeerKib(peerCount)));
        memory.put("baseline_heap_kib_per_peer", median(peer, run -> run.heapPerPeerKib(peerCount)));
        memory.put("proven_ids_kib_per_peer", median(proven, run -> run.memoryPerPeerKib(peerCount)));
        memory.put("ours_idle_resident_mib", median(ours, run -> mib(run.idleResident())));
        memory.put("baseline_idle_resident_mib", median(peer, run -> mib(run.idleResident())));
        memory.put("ours_connected_resident_mib", median(ours, run -> mib(run.connectedResident())));
        memory.put("baseline_connected_resident_mib", median(peer, run -> mib(run.connectedResident())));
        memory.put("ours_after_relay_resident_mib", median(ours, run -> mib(run.relayedResident())));
        memory.put("baseline_after_relay_resident_mib", median(peer, run -> mib(run.relayedResident())));
        memory.put("ours_peak_resident_mib", median(ours, run -> mib(run.peakResident())));
        memory.put("baseline_peak_resident_mib", median(peer, run -> mib(run.peakResident())));
        memory.put("notes", setup() + " Read idle (after the warm-up) and with the peers connected, each right after "
                + "a full collection in the server (System.gc() / global.gc()). Node: per peer = RSS growth / peers "
                + "(its heap grows inside the RSS). Ours: the JVM heap is fixed and pre-touched (-Xms = -Xmx, "
                + "AlwaysPreTouch), so RSS growth is native memory only (socket buffers, direct byte buffers) and "
                + "the growth of the used heap after the collection is added: per peer = (RSS growth + heap growth) "
                + "/ peers. *_resident_* and *_heap_* give the two parts. The idle RSS of ours includes the whole "
                + "pre-touched heap. after_relay and peak RSS are raw, with no collection forced.");
        new BenchmarkResult(BENCHMARK + "-memory-per-peer-kib", "server memory per connected peer, KiB", oursMemory,
                peerMemory, "reported (issue 5: memory per peer reported)", null, rounds,
                "Resident memory each connected peer costs the server process.", memory).write(results);

        double plainCpu = median(ours, Run::connectCpuMicrosPerPeer);
        double provenCpu = median(proven, Run::connectCpuMicrosPerPeer);
        Map<String, Object> proof = new LinkedHashMap<>();
        proof.put("peers", peerCount);
        proof.put("ours_runs", proven.stream().map(run -> round(run.connectCpuMicrosPerPeer())).toList().toString());
        proof.put("baseline_runs", ours.stream().map(run -> round(run.connectCpuMicrosPerPeer())).toList().toString());
        proof.put("proof_cpu_us_per_connection", provenCpu - plainCpu);
        proof.put("peer_cpu_us_per_connection", median(peer, Run::connectCpuMicrosPerPeer));
        proof.put("proven_connects_per_second", median(proven, run -> run.connectsPerSecond(peerCount)));
        proof.put("plain_connects_per_second", median(ours, run -> run.connectsPerSecond(peerCount)));
        proof.put("peer_connects_per_second", median(peer, run -> run.connectsPerSecond(peerCount)));
        proof.put("proven_ids_kib_per_peer", median(proven, run -> run.memoryPerPeerKib(peerCount)));
        proof.put("proven_ids_messages_per_second", median(proven, Run::messagesPerSecond));
        proof.put("notes", setup() + " Here ours = our server with key ids, each connection proven by an Ed25519 "
                + "token (signature check and replay memory), baseline = our server with plain ids: the server "
                + "process's CPU time (user + kernel) while the " + peerCount + " peers connect (handshake to OPEN, "
                + "64 at a time), per connection. The difference is what a proof costs; connects/s are wall-clock "
                + "figures of the same phase and move with the machine's load.");
        new BenchmarkResult(BENCHMARK + "-proof-cpu-us-per-connection", "server CPU per connection, µs, key-proven "
                + "vs plain ids", provenCpu, plainCpu, "reported (cost of the proofs)", null, rounds,
                "What proving each id costs at connect time: server CPU per connection with key-proven ids against "
                + "plain ids (both ours).", proof).write(results);
    }
}

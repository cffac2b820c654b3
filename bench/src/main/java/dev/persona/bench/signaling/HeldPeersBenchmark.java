package dev.persona.bench.signaling;

import static dev.persona.testkit.Directories.deleteRecursively;

import dev.persona.bench.BenchmarkMain;
import dev.persona.bench.BenchmarkResult;
import dev.persona.bench.JvmProcess;
import dev.persona.bench.ProcessMemory;
import dev.persona.bench.Samples;
import dev.persona.testkit.PersonaHost;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Issue 13's "20 000 connected peers held": as many key-proven peers as this machine lets one process hold, connected
 * over {@code wss://} to the host as {@code ./persona start --background} deploys it (its concurrent limit raised by
 * {@code PERSONA_SIGNALING_CONCURRENT_LIMIT}, its heap by {@code PERSONA_JVM_OPTIONS=-Xmx2g} as README advises for
 * very many phones), and the same count to {@code peer@1.0.2} over {@code wss://} (its {@code concurrent_limit}
 * raised alike) in the same run, sides alternating. Each side: connect the peers (a fresh Ed25519 proof each for
 * Persona, 50 to a loopback source address as shipped), hold them with peerjs's heartbeats for a while, then one
 * message from every peer to the next in a ring: when all arrive, every peer was still connected and could both send
 * and receive. Reported: peers held, seconds to connect them, the server's resident memory and heap (after a full
 * collection) and open files, before and after.
 *
 * <p>20 000 cannot be reached here: this container's hard limit on open files is 20 000 per process and cannot be
 * raised (no CAP_SYS_RESOURCE), and the server needs about 600 files of its own; the default, 19 000, is what fits.
 * The launcher warns about exactly that when the concurrent limit is set that high.
 *
 * <p>Settings (system properties): {@code bench.repository}, {@code bench.held.peers} (19000),
 * {@code bench.held.rounds} (1 per side), {@code bench.held.seconds} (15: how long the peers are held before the
 * ring), {@code bench.held.connect.seconds} (300: the most one side's connecting may take), {@code bench.node}, the
 * host's ports {@code persona.it.*.port}, {@code bench.held.histograms} ({@code true}: the host's class histograms,
 * idle and held, into bench/work/held), {@code bench.held.host.jvm.options} (more options for the host's JVM, e.g.
 * {@code -XX:NativeMemoryTracking=summary}).
 */
public final class HeldPeersBenchmark {

    /** Room in the concurrent limit for the host's own in-process peers (its personas), which count too. */
    private static final int HOST_PEERS = 100;

    private final Path repository = Path.of(System.getProperty("bench.repository", ".")).toAbsolutePath().normalize();
    private final Path work = repository.resolve("bench/work/held");
    private final Path results = repository.resolve("bench/results");
    private final int peerCount = Integer.getInteger("bench.held.peers", 19_000);
    private final int rounds = Integer.getInteger("bench.held.rounds", 1);
    private final Duration hold = Duration.ofSeconds(Long.getLong("bench.held.seconds", 15));
    private final Duration connectLimit = Duration.ofSeconds(Long.getLong("bench.held.connect.seconds", 300));
    /** Whether to write the host's class histograms (jcmd GC.class_histogram) idle and while the peers are held. */
    private final boolean histograms = Boolean.getBoolean("bench.held.histograms");
    private final SecureRandom random = new SecureRandom();
    private final List<Double> loadAverages = new ArrayList<>();
    private int nextSource;

    /** What one side's server is: its process and port, and a full collection (heap used, committed). */
    private record Server(long pid, int port, HeapProbe heap) {
    }

    private interface HeapProbe {
        long[] afterFullCollection() throws Exception;
    }

    /** One side's round. */
    private record Held(DeployedSide side, int round, int held, double connectSeconds, long idleResident,
                        long heldResident, long idleHeap, long heldHeap, long idleCommitted, long heldCommitted,
                        int idleFiles, int heldFiles, int ringSent, int ringReceived, String failure) {

        double residentKibPerPeer() {
            return (heldResident - idleResident) / 1024.0 / Math.max(1, held);
        }

        double heapKibPerPeer() {
            return (heldHeap - idleHeap) / 1024.0 / Math.max(1, held);
        }

        /** As the signaling benchmark's memory row: node's RSS growth; the JVM's heap growth plus native growth. */
        double memoryKibPerPeer() {
            if (side == DeployedSide.PEER) {
                return residentKibPerPeer();
            }
            long nativeGrowth = Math.max(0, (heldResident - idleResident) - (heldCommitted - idleCommitted));
            return heapKibPerPeer() + nativeGrowth / 1024.0 / Math.max(1, held);
        }
    }

    public static void main(String[] args) throws Exception {
        BenchmarkMain.run("held peers", new HeldPeersBenchmark()::run);
    }

    private void run() throws Exception {
        Files.createDirectories(work);
        Path data = work.resolve("host");
        deleteRecursively(data);
        PersonaHost host = new PersonaHost(data)
                .with("PERSONA_SIGNALING_CONCURRENT_LIMIT", Integer.toString(peerCount + HOST_PEERS))
                .with("PERSONA_JVM_OPTIONS", ("-Xmx2g " + System.getProperty("bench.held.host.jvm.options", ""))
                        .trim());
        Path[] pem = DeployedSignalingBenchmark.selfSignedCertificate(work);
        Path peerModule = repository.resolve("bench/work/peer/node_modules/peer");
        if (!Files.isDirectory(peerModule)) {
            throw new IllegalStateException(peerModule + " is missing; bench/run installs peer@1.0.2 there");
        }
        PersonaHost.Run start = host.start();
        start.output().lines().filter(line -> line.contains("warning")).forEach(line -> System.out.println(
                "launcher: " + line));
        long hostPid = host.serverPid();
        System.out.println("host's open-files limit: " + openFilesLimit(hostPid));
        try (ServerProcess peer = ServerProcess.peerOverTls(Path.of(System.getProperty("bench.node", "node")),
                repository.resolve("bench/src/main/node/peer-server.cjs"), peerModule, pem[0], pem[1], 0,
                peerCount, work.resolve("peer-wss.log"))) {
            System.out.println("peer's open-files limit: " + openFilesLimit(peer.pid()));
            Server persona = new Server(hostPid, host.httpsPort, () -> JvmProcess.heapAfterFullCollection(hostPid));
            Server node = new Server(peer.pid(), peer.port, () -> new long[] {peer.collectGarbage(), 0});
            List<Held> ours = new ArrayList<>();
            List<Held> theirs = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                List<DeployedSide> order = DeployedSide.order(round % 2 == 1);
                for (DeployedSide side : order) {
                    Held held = round(side, side == DeployedSide.PERSONA ? persona : node, round);
                    print(held);
                    (side == DeployedSide.PERSONA ? ours : theirs).add(held);
                }
            }
            report(ours, theirs);
        } finally {
            host.stop();
        }
    }

    private Held round(DeployedSide side, Server server, int round) throws Exception {
        loadAverages.add(DeployedSignalingBenchmark.loadAverage());
        try (PeerSwarm swarm = new PeerSwarm(2, DeployedSignalingBenchmark.trustingAnyCertificate())) {
            long[] idleHeap = server.heap().afterFullCollection();
            histogram(side, "idle", server.pid());
            long idleResident = ProcessMemory.residentBytes(server.pid());
            int idleFiles = JvmProcess.openDescriptors(server.pid());
            List<PeerSwarm.Identity> identities = identities(side, server.port());
            String failure = "";
            long connectStart = System.nanoTime();
            long connectNanos;
            try {
                connectNanos = swarm.connect(server.port(), identities, 64, connectLimit);
            } catch (Exception e) {
                connectNanos = System.nanoTime() - connectStart;
                failure = "connect: " + e.getMessage();
            }
            System.out.printf(Locale.ROOT, "%s: %d peers open after %.1f s; holding them %d s%n", side.label,
                    swarm.connectedPeers(), connectNanos / 1e9, hold.toSeconds());
            Thread.sleep(hold.toMillis());
            long[] heldHeap = server.heap().afterFullCollection();
            histogram(side, "held", server.pid());
            long heldResident = ProcessMemory.residentBytes(server.pid());
            int heldFiles = JvmProcess.openDescriptors(server.pid());
            PeerSwarm.Relay ring = swarm.ring(500, Duration.ofSeconds(120));
            int held = swarm.connectedPeers();
            if (ring.received() < ring.sent()) {
                failure += (failure.isEmpty() ? "" : "; ") + (ring.sent() - ring.received()) + " of " + ring.sent()
                        + " ring messages did not arrive";
            }
            if (swarm.unexpectedFrames() + swarm.closedSockets() > 0) {
                failure += (failure.isEmpty() ? "" : "; ") + swarm.unexpectedFrames() + " unexpected frames, "
                        + swarm.closedSockets() + " closed sockets, e.g. " + swarm.unexpectedSample();
            }
            // A peer counts as held when it is still open and the ring's messages all arrived; else only those
            // whose socket stayed open and whose message arrived are known to be held.
            int counted = ring.received() == ring.sent() ? held : Math.min(held, ring.received());
            return new Held(side, round, counted, connectNanos / 1e9, idleResident, heldResident, idleHeap[0],
                    heldHeap[0], idleHeap[1], heldHeap[1], idleFiles, heldFiles, ring.sent(), ring.received(),
                    failure);
        }
    }

    /**
     * With {@code bench.held.histograms}: the host's class histogram into bench/work/held/histogram-<when>.txt, and
     * its JVM's native memory summary (when {@code bench.held.host.jvm.options} turned tracking on) into
     * native-<when>.txt.
     */
    private void histogram(DeployedSide side, String when, long pid) throws Exception {
        if (histograms && side == DeployedSide.PERSONA) {
            Files.writeString(work.resolve("histogram-" + when + ".txt"), JvmProcess.jcmd(pid,
                    "GC.class_histogram"));
            if (System.getProperty("bench.held.host.jvm.options", "").contains("NativeMemoryTracking")) {
                Files.writeString(work.resolve("native-" + when + ".txt"), JvmProcess.jcmd(pid,
                        "VM.native_memory", "summary"));
            }
        }
    }

    /** {@link DeployedSide#identities} for the run's peers, on loopback source addresses never reused in the run. */
    private List<PeerSwarm.Identity> identities(DeployedSide side, int port) {
        int firstSource = nextSource;
        nextSource += PeerSwarm.sourcesFor(peerCount);
        return side.identities(peerCount, port, firstSource, random);
    }

    private static String openFilesLimit(long pid) throws Exception {
        return Files.readAllLines(Path.of("/proc/" + pid + "/limits")).stream()
                .filter(line -> line.startsWith("Max open files")).findFirst().orElse("?")
                .replaceAll("\\s+", " ");
    }

    private void print(Held held) {
        System.out.printf(Locale.ROOT, "%-34s round %d: %d held of %d, connected in %.1f s, RSS %.0f -> %.0f MiB "
                        + "(%.1f KiB/peer), heap %.0f -> %.0f MiB (%.1f KiB/peer), memory/peer %.1f KiB, files %d -> "
                        + "%d, ring %d/%d, load %.1f%s%n", held.side().label, held.round(), held.held(), peerCount,
                held.connectSeconds(), held.idleResident() / 1048576.0, held.heldResident() / 1048576.0,
                held.residentKibPerPeer(), held.idleHeap() / 1048576.0, held.heldHeap() / 1048576.0,
                held.heapKibPerPeer(), held.memoryKibPerPeer(), held.idleFiles(), held.heldFiles(),
                held.ringReceived(), held.ringSent(), loadAverages.get(loadAverages.size() - 1),
                held.failure().isEmpty() ? "" : "; " + held.failure());
    }

    private static double median(List<Held> runs, ToDoubleFunction<Held> figure) {
        return Samples.of(runs.stream().mapToDouble(figure).toArray()).median();
    }

    private static String round(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private Map<String, Object> details(List<Held> ours, List<Held> peer, ToDoubleFunction<Held> figure) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("peers_asked", peerCount);
        details.put("ours_runs", ours.stream().map(run -> round(figure.applyAsDouble(run))).toList().toString());
        details.put("baseline_runs", peer.stream().map(run -> round(figure.applyAsDouble(run))).toList().toString());
        details.put("ours_connect_seconds", median(ours, Held::connectSeconds));
        details.put("baseline_connect_seconds", median(peer, Held::connectSeconds));
        details.put("ours_held_resident_mib", median(ours, run -> run.heldResident() / 1048576.0));
        details.put("baseline_held_resident_mib", median(peer, run -> run.heldResident() / 1048576.0));
        details.put("ours_resident_kib_per_peer", median(ours, Held::residentKibPerPeer));
        details.put("baseline_resident_kib_per_peer", median(peer, Held::residentKibPerPeer));
        details.put("ours_heap_kib_per_peer", median(ours, Held::heapKibPerPeer));
        details.put("baseline_heap_kib_per_peer", median(peer, Held::heapKibPerPeer));
        details.put("ours_open_files_held", median(ours, Held::heldFiles));
        details.put("baseline_open_files_held", median(peer, Held::heldFiles));
        details.put("failures", java.util.stream.Stream.concat(ours.stream(), peer.stream())
                .filter(run -> !run.failure().isEmpty()).map(run -> run.side().name() + ": " + run.failure())
                .toList().toString());
        details.put("load_average_1min", loadAverages.stream().map(HeldPeersBenchmark::round).toList().toString());
        details.put("notes", "Ours: the host as ./persona start --background deploys it (EAR in WildFly, wss:// on "
                + "its HTTPS port) with PERSONA_SIGNALING_CONCURRENT_LIMIT=" + (peerCount + HOST_PEERS) + " (room for "
                + "its own personas' in-process peers) and PERSONA_JVM_OPTIONS="
                + "-Xmx2g, else the shipped settings (key-proven ids with a fresh Ed25519 proof each, 50 peers per "
                + "source address); baseline: peer@1.0.2's PeerServer in node over wss (self-signed P-256 "
                + "certificate) with concurrent_limit=" + peerCount + ". One load generator (PeerSwarm, one JVM, "
                + "64 TLS handshakes at a time, sources 127.1.x.y), " + rounds + " round(s) per side, alternating. "
                + "Held: still open after " + hold.toSeconds() + " s of peerjs heartbeats (one per peer every 5 s) "
                + "and every peer's message to the next in a ring arrived. Memory read before connecting and while "
                + "held, each right after a full collection; per peer as in signaling-memory-per-peer-kib. 20 000 "
                + "peers cannot be reached here: the container's hard limit on open files is 20 000 per process and "
                + "cannot be raised (no CAP_SYS_RESOURCE), and each server needs some files of its own (WildFly "
                + "about 600 after start).");
        return details;
    }

    private void report(List<Held> ours, List<Held> peer) throws Exception {
        double oursHeld = median(ours, Held::held);
        double peerHeld = median(peer, Held::held);
        new BenchmarkResult("signaling-peers-held", "key-proven peers held at once over wss, deployed host "
                + "(asked: " + peerCount + ")", oursHeld, peerHeld, "ours >= 20000", oursHeld >= 20_000, rounds,
                "Peers connected at once, each still able to send and receive, against peer@1.0.2 with the same "
                + "count.", details(ours, peer, Held::held)).write(results);
        new BenchmarkResult("signaling-held-memory-per-peer-kib", "server memory per held peer over wss with "
                + peerCount + " peers, KiB (deployed host)", median(ours, Held::memoryKibPerPeer),
                median(peer, Held::memoryKibPerPeer), "reported", null, rounds,
                "What each of very many connected peers costs the server's memory.",
                details(ours, peer, Held::memoryKibPerPeer)).write(results);
    }
}

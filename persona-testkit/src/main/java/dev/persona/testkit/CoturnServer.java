package dev.persona.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real coturn TURN server (Debian package {@code coturn}) in a network namespace of its own, for tests that run in
 * a network namespace already (the {@code loopback-network} executions): a veth pair joins the caller's namespace
 * ({@code callerAddress}/24) and coturn's ({@code address}/24), so the host and the browser reach coturn only over
 * that link, and what coturn relays leaves from {@code address}. It checks TURN REST credentials
 * ({@code use-auth-secret} with {@code static-auth-secret}) and keeps its pid file, database and log in a folder of
 * the test's. Never a public server: nothing here has a way out.
 *
 * <p>Needs root in the caller's namespace (its own, or a user namespace's), {@code ip} and {@code unshare}.
 */
public final class CoturnServer implements AutoCloseable {

    /** Where Debian installs it. */
    public static final String TURNSERVER = "/usr/bin/turnserver";
    private static final Duration READY = Duration.ofSeconds(30);

    private final Process process;
    private final Path log;
    private final String hostVeth;
    public final String address;
    public final int port;

    private CoturnServer(Process process, Path log, String hostVeth, String address, int port) {
        this.process = process;
        this.log = log;
        this.hostVeth = hostVeth;
        this.address = address;
        this.port = port;
    }

    /**
     * Starts coturn and waits until it listens.
     *
     * @param folder for its log, pid file and database (made if missing)
     * @param veth the name of the caller's end of the veth pair (coturn's end is {@code veth + "p"})
     * @param callerAddress this namespace's address on the link, e.g. {@code 10.34.1.1}
     * @param address coturn's address, e.g. {@code 10.34.1.2}
     * @param port its TURN port (UDP and TCP)
     * @param relayPorts the lowest and highest port of its relay allocations
     * @param secret its {@code static-auth-secret}
     */
    public static CoturnServer start(Path folder, String veth, String callerAddress, String address, int port,
                                     int[] relayPorts, String secret) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(TURNSERVER))) {
            throw new IllegalStateException(TURNSERVER + " is missing: apt-get install coturn (the CI's .ci/run "
                    + "installs it).");
        }
        Files.createDirectories(folder);
        Path log = folder.resolve("coturn.log");
        String peer = veth + "p";
        run("ip", "link", "add", veth, "type", "veth", "peer", "name", peer);
        run("ip", "addr", "add", callerAddress + "/24", "dev", veth);
        run("ip", "link", "set", veth, "up");
        // The child waits for its end of the link, which this namespace moves in once the child's namespace exists.
        String script = "while ! ip link show " + peer + " >/dev/null 2>&1; do sleep 0.05; done; "
                + "ip link set lo up && ip addr add " + address + "/24 dev " + peer + " && ip link set " + peer
                + " up && exec " + TURNSERVER + " -n --listening-ip=" + address + " --relay-ip=" + address
                + " --listening-port=" + port + " --min-port=" + relayPorts[0] + " --max-port=" + relayPorts[1]
                + " --use-auth-secret --static-auth-secret=\"$COTURN_SECRET\" --realm=persona.test --fingerprint"
                + " --no-tls --no-dtls --no-cli --pidfile=" + folder.resolve("turnserver.pid")
                + " --userdb=" + folder.resolve("turndb") + " --log-file=stdout --simple-log --verbose";
        ProcessBuilder builder = new ProcessBuilder("unshare", "--net", "bash", "-c", script)
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("COTURN_SECRET", secret); // not on its command line, which ps shows
        Process process = builder.start();
        try {
            awaitOwnNamespace(process);
            run("ip", "link", "set", peer, "netns", Long.toString(process.pid()));
            CoturnServer server = new CoturnServer(process, log, veth, address, port);
            server.awaitListening();
            return server;
        } catch (IOException | RuntimeException | InterruptedException | Error failure) {
            process.destroy();
            run("ip", "link", "del", veth);
            throw failure;
        }
    }

    /**
     * Waits until {@code unshare} has made the child's namespace: moved before that, the link would stay here and
     * the child would wait for it for ever.
     */
    private static void awaitOwnNamespace(Process process) throws IOException, InterruptedException {
        Path mine = Files.readSymbolicLink(Path.of("/proc/self/ns/net"));
        Path child = Path.of("/proc/" + process.pid() + "/ns/net");
        long deadline = System.nanoTime() + READY.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("unshare --net exited with " + process.exitValue());
            }
            if (!Files.readSymbolicLink(child).equals(mine)) {
                return;
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("unshare --net made no network namespace within " + READY);
    }

    private void awaitListening() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY.toNanos();
        String listening = address + ":" + port;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("coturn exited with " + process.exitValue() + ":\n" + logText());
            }
            // "IPv4. UDP listener opened on: 10.34.1.2:34178" (coturn 4.6, --verbose)
            if (logText().lines().anyMatch(line -> line.contains("UDP listener opened on")
                    && line.endsWith(listening))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("coturn did not listen on " + address + ":" + port + " within " + READY
                + ":\n" + logText());
    }

    /** {@code turn:<address>:<port>?transport=udp}. */
    public String udpUrl() {
        return "turn:" + address + ":" + port + "?transport=udp";
    }

    /** What coturn logged so far. */
    public String logText() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Stops coturn; its namespace and the link go with it. */
    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        // The veth pair goes when coturn's namespace does; delete this end in case the namespace lingers.
        new ProcessBuilder("ip", "link", "del", hostVeth).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }
}

package dev.persona.bench.signaling;

import dev.persona.bench.ProcessMemory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A signaling server under test in a process of its own: ours ({@link EmbeddedSignalingServer} in a new JVM) or
 * {@code peer@1.0.2} (node). Both print {@code READY <port>} and answer {@code gc} on stdin with
 * {@code heap <bytes>}, so that the benchmark can read their memory the same way.
 */
final class ServerProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    final String name;
    final int port;
    private final Process process;
    private final Writer commands;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private ServerProcess(String name, List<String> command, Map<String, String> environment, Path log)
            throws IOException, InterruptedException {
        this(name, command, environment, log, freePort());
    }

    private ServerProcess(String name, List<String> command, Map<String, String> environment, Path log, int port)
            throws IOException, InterruptedException {
        this.name = name;
        this.port = port;
        List<String> withPort = new ArrayList<>(command);
        withPort.add(withPort.indexOf("{port}"), Integer.toString(port));
        withPort.remove("{port}");
        ProcessBuilder builder = new ProcessBuilder(withPort).redirectError(log.toFile());
        builder.environment().putAll(environment);
        process = builder.start();
        commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = output.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException gone) {
                // the process ended
            }
        }, name + "-output");
        reader.setDaemon(true);
        reader.start();
        String ready = awaitLine("READY", START_TIMEOUT);
        if (!ready.equals("READY " + port)) {
            close();
            throw new IllegalStateException(name + " said '" + ready + "', expected READY " + port);
        }
    }

    /** Our server in a new JVM with the load generator's class path. */
    static ServerProcess ours(String name, List<String> jvmOptions, Map<String, String> settings, Path log)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                EmbeddedSignalingServer.class.getName(), "{port}"));
        settings.forEach((key, value) -> command.add(key + "=" + value));
        return new ServerProcess(name, command, Map.of(), log);
    }

    /** {@code peer@1.0.2} through bench/src/main/node/peer-server.cjs. */
    static ServerProcess peer(Path node, Path script, Path peerModule, Path log)
            throws IOException, InterruptedException {
        return new ServerProcess("peer@1.0.2", List.of(node.toString(), "--expose-gc", script.toString(), "{port}"),
                Map.of("PEER_MODULE", peerModule.toString()), log);
    }

    /**
     * {@code peer@1.0.2} over HTTPS and wss on {@code port} (0: a free one) with the PEM key and certificate given.
     */
    static ServerProcess peerOverTls(Path node, Path script, Path peerModule, Path key, Path certificate, int port,
                                     Path log) throws IOException, InterruptedException {
        return peerOverTls(node, script, peerModule, key, certificate, port, 0, log);
    }

    /** The same with its {@code concurrent_limit} set to {@code concurrentLimit} (0: peer's default, 5000). */
    static ServerProcess peerOverTls(Path node, Path script, Path peerModule, Path key, Path certificate, int port,
                                     int concurrentLimit, Path log) throws IOException, InterruptedException {
        Map<String, String> environment = new java.util.HashMap<>(Map.of("PEER_MODULE", peerModule.toString(),
                "PEER_TLS_KEY", key.toString(), "PEER_TLS_CERT", certificate.toString()));
        if (concurrentLimit > 0) {
            environment.put("PEER_CONCURRENT_LIMIT", Integer.toString(concurrentLimit));
        }
        return new ServerProcess("peer@1.0.2 (wss)", List.of(node.toString(), "--expose-gc", script.toString(),
                "{port}"), environment, log, port == 0 ? freePort() : port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    long pid() {
        return process.pid();
    }

    long residentBytes() throws IOException {
        return ProcessMemory.residentBytes(process.pid());
    }

    long peakResidentBytes() throws IOException {
        return ProcessMemory.peakResidentBytes(process.pid());
    }

    /** Asks for a full collection; returns the heap in use after it. */
    long collectGarbage() throws IOException, InterruptedException {
        commands.write("gc\n");
        commands.flush();
        return Long.parseLong(awaitLine("heap", Duration.ofSeconds(30)).substring("heap ".length()));
    }

    /** CPU time the process has used so far in user and in kernel mode, nanoseconds. */
    long[] cpuNanos() throws IOException {
        return ProcessMemory.userAndSystemNanos(process.pid());
    }

    private String awaitLine(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new IllegalStateException(name + " did not print " + prefix + " within " + timeout
                        + (process.isAlive() ? "" : "; it exited with " + process.exitValue()));
            }
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            commands.write("quit\n");
            commands.flush();
        } catch (IOException gone) {
            // already ended
        }
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}

package dev.persona.llama.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A llama-server the test starts by itself with the tiny model, as an "external" server would run: its own port
 * and API key. {@link #close()} kills it; a shutdown hook does too, should a test forget.
 */
public final class StandaloneLlamaServer implements AutoCloseable {

    private final Process process;
    private final int port;
    private final String apiKey;

    private StandaloneLlamaServer(Process process, int port, String apiKey) {
        this.process = process;
        this.port = port;
        this.apiKey = apiKey;
    }

    /** Starts the server with two slots and waits until {@code /health} answers 200. */
    public static StandaloneLlamaServer start(String apiKey, Path log) throws Exception {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(LlamaTestEnvironment.serverBinary().toString(),
                "-m", LlamaTestEnvironment.tinyModel().toString(), "--host", "127.0.0.1", "--port",
                Integer.toString(port), "-np", "2", "-c", "2048", "--metrics", "--no-webui", "--api-key", apiKey));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        StandaloneLlamaServer server = new StandaloneLlamaServer(process, port, apiKey);
        try {
            server.awaitHealthy(Duration.ofSeconds(60));
        } catch (Exception | AssertionError e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void awaitHealthy(Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the standalone llama-server exited with " + process.exitValue());
            }
            try {
                HttpRequest request = HttpRequest.newBuilder(url().resolve("/health")).build();
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the standalone llama-server was not healthy within " + timeout);
    }

    /** A port nothing listens on right now. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public String apiKey() {
        return apiKey;
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}

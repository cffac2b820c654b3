package dev.persona.it;

import dev.persona.testkit.Directories;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import dev.persona.testkit.PersonaHost;
import org.junit.jupiter.api.Test;

/**
 * The EAR's resource adapter runs llama-server (the real binary, the tiny generated model): reachable on
 * 127.0.0.1 only, locked with a key nobody else has, stopped with the host, and a stray left by a crashed JVM is
 * ended at the next start.
 */
class LlamaPoolIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** What the connector's pid file says about its process. */
    private record LlamaProcessFile(long pid, List<String> arguments) {
        int port() {
            return Integer.parseInt(arguments.get(arguments.indexOf("--port") + 1));
        }
    }

    @Test
    void theHostRunsLlamaServerOnLoopbackOnlyAndLeavesNoStrays() throws Exception {
        PersonaHost host = new PersonaHost(Path.of("target/it-data/llama").toAbsolutePath());
        Directories.deleteRecursively(host.dataDirectory);
        Path pidFile = host.dataDirectory.resolve("llama/llama-server-1.pid");

        host.start();
        LlamaProcessFile first = awaitReady(pidFile);
        assertTrue(ProcessHandle.of(first.pid()).map(ProcessHandle::isAlive).orElse(false));
        assertEquals("127.0.0.1", first.arguments().get(first.arguments().indexOf("--host") + 1));
        assertFalse(first.arguments().contains("--api-key"), "the key is not on the command line for ps to show");
        assertTrue(first.arguments().contains(host.dataDirectory.resolve("models/persona-tiny.gguf").toString()),
                "with no model in models/ the host runs the generated tiny model: " + first.arguments());
        HttpResponse<String> models = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + first.port() + "/v1/models")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, models.statusCode(), "without the host's key nothing else can use the model");

        // The JVM dies without a chance to stop its children: the next start must end the stray.
        long wildfly = Long.parseLong(Files.readString(host.dataDirectory.resolve("run/wildfly.pid")).trim());
        ProcessHandle jvm = ProcessHandle.of(wildfly).orElseThrow();
        jvm.destroyForcibly();
        jvm.onExit().get();

        host.start();
        LlamaProcessFile second = awaitReady(pidFile);
        assertNotEquals(first.pid(), second.pid());
        assertFalse(ProcessHandle.of(first.pid()).map(ProcessHandle::isAlive).orElse(false),
                "the stray llama-server of the crashed JVM was ended");

        host.stop();
        assertFalse(ProcessHandle.of(second.pid()).map(ProcessHandle::isAlive).orElse(false),
                "stopping the host stops its llama-server");
    }

    private static LlamaProcessFile awaitReady(Path pidFile) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(pidFile)) {
                LlamaProcessFile file = read(pidFile);
                try {
                    HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + file.port() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
                    if (health.statusCode() == 200 && ProcessHandle.of(file.pid()).isPresent()) {
                        return file;
                    }
                } catch (java.io.IOException notYetListening) {
                    // the process is starting
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("llama-server did not become ready within 60 s; pid file " + pidFile);
    }

    private static LlamaProcessFile read(Path pidFile) throws Exception {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(pidFile)) {
            properties.load(in);
        }
        List<String> arguments = new ArrayList<>();
        int count = Integer.parseInt(properties.getProperty("arguments"));
        for (int i = 0; i < count; i++) {
            arguments.add(properties.getProperty("argument." + i));
        }
        return new LlamaProcessFile(Long.parseLong(properties.getProperty("pid")), arguments);
    }
}

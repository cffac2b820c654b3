package dev.persona.bench.connector;

import dev.persona.llama.BackendState;
import dev.persona.llama.BackendStatus;
import dev.persona.llama.LlamaConnection;
import dev.persona.llama.LlamaConnectionFactory;
import dev.persona.llama.LlamaException;
import dev.persona.llama.SlotStatus;
import dev.persona.llama.ra.LlamaManagedConnectionFactory;
import dev.persona.llama.ra.LlamaResourceAdapter;
import dev.persona.testkit.base.TestBootstrapContext;

import jakarta.resource.spi.ResourceAdapterInternalException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The connector as a container runs it: the resource adapter started with a {@link TestBootstrapContext} (one
 * llama-server process), and a connection from its managed connection factory, which is what an application gets
 * from {@code @Resource(lookup = "java:/eis/llama")}.
 */
final class StartedConnector implements AutoCloseable {

    /** How the benchmark configures the adapter. */
    record Config(Path binary, Path model, Path dataDirectory, int slots, int contextSize, int threads,
                  String portRange) {
    }

    private final LlamaResourceAdapter adapter;
    private final TestBootstrapContext context;
    final LlamaConnection connection;
    /** {@link System#nanoTime()} just before {@code ResourceAdapter.start}. */
    final long startedNanos;

    private StartedConnector(LlamaResourceAdapter adapter, TestBootstrapContext context, LlamaConnection connection,
                             long startedNanos) {
        this.adapter = adapter;
        this.context = context;
        this.connection = connection;
        this.startedNanos = startedNanos;
    }

    /** Starts the adapter; returns at once, while llama-server loads the model. */
    static StartedConnector start(Config config) throws ResourceAdapterInternalException, LlamaException {
        LlamaResourceAdapter adapter = new LlamaResourceAdapter();
        adapter.setServerBinary(config.binary().toString());
        adapter.setModelFile(config.model().toString());
        adapter.setContextSize(config.contextSize());
        adapter.setParallelSlots(config.slots());
        adapter.setThreads(config.threads());
        adapter.setProcesses(1);
        adapter.setPortRange(config.portRange());
        adapter.setDataDirectory(config.dataDirectory().toString());
        TestBootstrapContext context = new TestBootstrapContext();
        long started = System.nanoTime();
        adapter.start(context);
        LlamaManagedConnectionFactory managedFactory = new LlamaManagedConnectionFactory();
        managedFactory.setResourceAdapter(adapter);
        LlamaConnectionFactory factory = (LlamaConnectionFactory) managedFactory.createConnectionFactory();
        return new StartedConnector(adapter, context, factory.getConnection(), started);
    }

    /**
     * Waits until the process is ready, looking every millisecond at the state the supervisor keeps.
     *
     * @return {@link System#nanoTime()} when it was first seen ready
     */
    long awaitReady(Duration timeout) throws LlamaException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<BackendStatus> backends = connection.backends();
            if (backends.stream().allMatch(backend -> backend.state() == BackendState.READY)) {
                return System.nanoTime();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("llama-server was not ready within " + timeout + ": " + backends);
            }
            Thread.sleep(1);
        }
    }

    BackendStatus backend() throws LlamaException {
        return connection.backends().get(0);
    }

    /** The port of the running process, from its name, e.g. {@code llama-server 1 (127.0.0.1:39500)}. */
    int port() throws LlamaException {
        String name = backend().name();
        return Integer.parseInt(name.substring(name.lastIndexOf(':') + 1, name.length() - 1));
    }

    /**
     * The API key the adapter gave the process. The adapter keeps it to itself and passes it in the environment,
     * which the same user can read in {@code /proc/<pid>/environ} (Linux); so does this benchmark, to send the
     * direct requests to the very same process.
     */
    String apiKey() throws LlamaException, IOException {
        long pid = backend().pid();
        byte[] environment = Files.readAllBytes(Path.of("/proc/" + pid + "/environ"));
        for (String variable : new String(environment, StandardCharsets.UTF_8).split("\0")) {
            if (variable.startsWith("LLAMA_API_KEY=")) {
                return variable.substring("LLAMA_API_KEY=".length());
            }
        }
        throw new IllegalStateException("no LLAMA_API_KEY in the environment of pid " + pid);
    }

    /** Waits until llama-server reports no busy slot (a cancelled task takes a moment to be released). */
    void awaitIdleSlots(Duration timeout) throws LlamaException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (connection.slots().stream().anyMatch(SlotStatus::processing)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("slots still busy after " + timeout);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        connection.close();
        adapter.stop();
        context.close();
    }
}

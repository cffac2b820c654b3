package dev.persona.llama.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona.llama.BackendState;
import dev.persona.llama.BackendStatus;
import dev.persona.llama.ChatCompletion;
import dev.persona.llama.ChatRequest;
import dev.persona.llama.ChatStream;
import dev.persona.llama.LlamaConnection;
import dev.persona.llama.LlamaConnectionFactory;
import dev.persona.llama.LlamaException;
import dev.persona.llama.PoolSettings;
import dev.persona.llama.SlotStatus;
import dev.persona.llama.testing.LlamaTestEnvironment;
import dev.persona.llama.testing.RecordingListener;
import dev.persona.testkit.base.TestBootstrapContext;

import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ResourceAdapterInternalException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The adapter driven as a container would: start with a BootstrapContext, connections through the SPI. */
class ResourceAdapterTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path data;
    private final TestBootstrapContext context = new TestBootstrapContext();
    private final LlamaResourceAdapter adapter = new LlamaResourceAdapter();

    @AfterEach
    void stop() {
        adapter.stop();
        context.close();
    }

    private void configureLocalPool() {
        adapter.setServerBinary(LlamaTestEnvironment.serverBinary().toString());
        adapter.setModelFile(LlamaTestEnvironment.tinyModel().toString());
        adapter.setContextSize(1024);
        adapter.setParallelSlots(1);
        adapter.setProcesses(2);
        adapter.setThreads(1);
        adapter.setPortRange("39400-39409");
        adapter.setDataDirectory(data.toString());
    }

    private LlamaConnectionFactory connectionFactory() {
        return connectionFactory(adapter);
    }

    private static LlamaConnectionFactory connectionFactory(LlamaResourceAdapter adapter) {
        LlamaManagedConnectionFactory managedFactory = new LlamaManagedConnectionFactory();
        managedFactory.setResourceAdapter(adapter);
        return (LlamaConnectionFactory) managedFactory.createConnectionFactory();
    }

    private static List<BackendStatus> awaitReady(LlamaConnection connection) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<BackendStatus> backends = connection.backends();
            if (backends.stream().allMatch(backend -> backend.state() == BackendState.READY)) {
                return backends;
            }
            assertTrue(System.nanoTime() < deadline, "not ready: " + backends);
            Thread.sleep(20);
        }
    }

    @Test
    void startsTheProcessesThroughTheWorkManagerAndRoutesToTheLeastBusy() throws Exception {
        configureLocalPool();
        long start = System.nanoTime();
        adapter.start(context);
        List<Long> pids = new ArrayList<>();
        try (LlamaConnection connection = connectionFactory().getConnection()) {
            awaitReady(connection).forEach(backend -> pids.add(backend.pid()));
            System.out.printf("adapter start to 2 processes ready: %.0f ms%n", (System.nanoTime() - start) / 1e6);

            RecordingListener first = new RecordingListener();
            RecordingListener second = new RecordingListener();
            ChatRequest request = ChatRequest.ofUserMessage("hi").withMaxTokens(200).withIgnoreEos(true);
            ChatStream a = connection.streamChat(request, first);
            ChatStream b = connection.streamChat(request, second);

            assertNotEquals(a.backend(), b.backend(), "each process has one slot, so the second goes elsewhere");
            ChatCompletion completion = first.awaitCompletion(WAIT);
            assertEquals(200, completion.usage().completionTokens());
            assertEquals(200, second.awaitCompletion(WAIT).usage().completionTokens());
            assertEquals(2, connection.slots().size());
        }
        assertTrue(context.longRunningWork().containsAll(List.of("llama-server 1 supervisor",
                "llama-server 2 supervisor", "llama-server 1 output", "llama-server 2 output")),
                context.longRunningWork()::toString);

        adapter.stop();
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " runs");
        }
        try (var files = Files.list(data)) {
            assertEquals(List.of(), files.filter(file -> file.toString().endsWith(".pid")).toList());
        }
    }

    @Test
    void restartPoolAppliesNewSizesToEveryConnectionAndRefusesBadOnes() throws Exception {
        configureLocalPool();
        adapter.start(context);
        LlamaConnectionFactory factory = connectionFactory();
        List<Long> before = new ArrayList<>();
        try (LlamaConnection connection = factory.getConnection()) {
            awaitReady(connection).forEach(backend -> before.add(backend.pid()));
            PoolSettings current = connection.poolSettings();
            assertEquals(new PoolSettings(LlamaTestEnvironment.tinyModel().toString(), 1024, 1, "auto", 2), current);
            assertEquals(current, factory.poolSettings(), "the factory reads the same without a connection");

            LlamaException refused = assertThrows(LlamaException.class, () -> connection.restartPool(
                    new PoolSettings(current.modelFile(), 1024, 1, "auto", 0)));
            assertTrue(refused.getMessage().contains("PERSONA_LLAMA_PROCESSES = '0'"), refused.getMessage());
            assertEquals(before, connection.backends().stream().map(BackendStatus::pid).toList(),
                    "a refused change leaves the processes alone");

            connection.restartPool(new PoolSettings(current.modelFile(), 2048, 3, "auto", 1));
        }
        // A connection taken afterwards (any managed connection) sees the new pool.
        try (LlamaConnection connection = factory.getConnection()) {
            List<BackendStatus> after = awaitReady(connection);
            assertEquals(1, after.size());
            assertEquals(3, after.get(0).slots());
            assertEquals(3, connection.slots().size());
            assertEquals(3, connection.poolSettings().parallelSlots());
            assertEquals(connection.poolSettings(), factory.poolSettings());
            for (long pid : before) {
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "old pid " + pid + " runs");
            }
            RecordingListener listener = new RecordingListener();
            connection.streamChat(ChatRequest.ofUserMessage("hi").withMaxTokens(20).withIgnoreEos(true), listener);
            assertEquals(20, listener.awaitCompletion(WAIT).usage().completionTokens());

            // While a long answer streams, its slot says how many tokens it generated so far.
            ChatStream running = connection.streamChat(ChatRequest.ofUserMessage("hi").withMaxTokens(4000)
                    .withIgnoreEos(true), new RecordingListener());
            long deadline = System.nanoTime() + WAIT.toNanos();
            int decoded = 0;
            while (decoded == 0) {
                assertTrue(System.nanoTime() < deadline, "no slot reported generated tokens: " + connection.slots());
                decoded = connection.slots().stream().filter(SlotStatus::processing)
                        .mapToInt(SlotStatus::decodedTokens).max().orElse(0);
                Thread.sleep(20);
            }
            running.cancel();
        }
    }

    @Test
    void aPoolChosenWhileRunningOutlastsARestartUntilTheConfigurationChangesOrItsModelIsGoneOrItsFileBreaks()
            throws Exception {
        configureLocalPool();
        adapter.start(context);
        Path chosenModel = Files.copy(LlamaTestEnvironment.tinyModel(), data.resolve("chosen.gguf"));
        PoolSettings chosen = new PoolSettings(chosenModel.toString(), 2048, 2, "auto", 1);
        try (LlamaConnection connection = connectionFactory().getConnection()) {
            awaitReady(connection);
            connection.restartPool(chosen);
        }
        adapter.stop();
        assertTrue(Files.exists(data.resolve(SavedPoolSettings.FILE_NAME)), "the choice is kept");

        // The same deployment starts again: it runs the choice, not the configuration.
        LlamaResourceAdapter restarted = restartedAdapter(this::configureLocalPool);
        try (LlamaConnection connection = connectionFactory(restarted).getConnection()) {
            assertEquals(chosen, connection.poolSettings());
            List<BackendStatus> backends = awaitReady(connection);
            assertEquals(1, backends.size());
            assertEquals(2, backends.get(0).slots());
        } finally {
            restarted.stop();
        }

        // Its model was deleted meanwhile: the configuration runs, and the choice is dropped.
        Files.delete(chosenModel);
        restarted = restartedAdapter(this::configureLocalPool);
        try (LlamaConnection connection = connectionFactory(restarted).getConnection()) {
            assertEquals(1024, connection.poolSettings().contextSize());
            assertEquals(2, awaitReady(connection).size());
        } finally {
            restarted.stop();
        }
        assertFalse(Files.exists(data.resolve(SavedPoolSettings.FILE_NAME)));

        // A choice made over a configuration that an administrator has changed since gives way to it.
        new SavedPoolSettings(data).save(new PoolSettings(LlamaTestEnvironment.tinyModel().toString(), 1024, 1, "auto",
                2), new PoolSettings(LlamaTestEnvironment.tinyModel().toString(), 2048, 2, "auto", 1));
        restarted = restartedAdapter(() -> {
            configureLocalPool();
            adapter.setContextSize(1536);
        });
        try (LlamaConnection connection = connectionFactory(restarted).getConnection()) {
            assertEquals(new PoolSettings(LlamaTestEnvironment.tinyModel().toString(), 1536, 1, "auto", 2),
                    connection.poolSettings());
        } finally {
            restarted.stop();
        }
        assertFalse(Files.exists(data.resolve(SavedPoolSettings.FILE_NAME)));

        // A file that does not read as a choice (cut short, edited by hand) is passed over: the configuration runs.
        Files.writeString(data.resolve(SavedPoolSettings.FILE_NAME), "configured.modelFile=" + chosenModel + "\n");
        restarted = restartedAdapter(this::configureLocalPool);
        try (LlamaConnection connection = connectionFactory(restarted).getConnection()) {
            assertEquals(new PoolSettings(LlamaTestEnvironment.tinyModel().toString(), 1024, 1, "auto", 2),
                    connection.poolSettings());
        } finally {
            restarted.stop();
        }
    }

    /** A new adapter configured by {@code configure} (which sets up {@link #adapter}; its settings are copied). */
    private LlamaResourceAdapter restartedAdapter(Runnable configure) throws Exception {
        configure.run();
        LlamaResourceAdapter restarted = new LlamaResourceAdapter();
        restarted.setServerBinary(adapter.getServerBinary());
        restarted.setModelFile(adapter.getModelFile());
        restarted.setContextSize(adapter.getContextSize());
        restarted.setParallelSlots(adapter.getParallelSlots());
        restarted.setProcesses(adapter.getProcesses());
        restarted.setThreads(adapter.getThreads());
        restarted.setPortRange(adapter.getPortRange());
        restarted.setDataDirectory(adapter.getDataDirectory());
        restarted.start(context);
        return restarted;
    }

    @Test
    void closedHandleRefusesWorkAndTellsTheContainer() throws Exception {
        adapter.setDataDirectory(data.toString());
        adapter.start(context);
        LlamaManagedConnectionFactory managedFactory = new LlamaManagedConnectionFactory();
        managedFactory.setResourceAdapter(adapter);
        ManagedConnection managed = managedFactory.createManagedConnection(null, null);
        List<ConnectionEvent> events = new ArrayList<>();
        managed.addConnectionEventListener(new ConnectionEventListener() {
            @Override
            public void connectionClosed(ConnectionEvent event) {
                events.add(event);
            }

            @Override
            public void localTransactionStarted(ConnectionEvent event) {
            }

            @Override
            public void localTransactionCommitted(ConnectionEvent event) {
            }

            @Override
            public void localTransactionRolledback(ConnectionEvent event) {
            }

            @Override
            public void connectionErrorOccurred(ConnectionEvent event) {
            }
        });
        LlamaConnection handle = (LlamaConnection) managed.getConnection(null, null);

        handle.close();
        handle.close();

        assertEquals(1, events.size());
        assertEquals(handle, events.get(0).getConnectionHandle());
        LlamaException e = assertThrows(LlamaException.class, handle::backends);
        assertEquals("This LlamaConnection is closed; get a new one from the LlamaConnectionFactory", e.getMessage());
        assertEquals(managed, managedFactory.matchManagedConnections(Set.of(managed), null, null));
        assertNotNull(managed.getMetaData());
    }

    @Test
    void withoutModelNoProcessRunsAndChatsSayWhy() throws Exception {
        adapter.setDataDirectory(data.toString());
        adapter.start(context);
        try (LlamaConnection connection = connectionFactory().getConnection()) {
            assertEquals(List.of(), connection.backends());
            LlamaException e = assertThrows(LlamaException.class,
                    () -> connection.streamChat(ChatRequest.ofUserMessage("hi"), new RecordingListener()));
            assertTrue(e.getMessage().startsWith("No local llama-server runs because no model is configured: set the"
                    + " resource adapter's modelFile"), e.getMessage());
        }
    }

    @Test
    void missingBinaryFailsTheStartNamingTheSetting() {
        configureLocalPool();
        adapter.setServerBinary(data.resolve("no/llama-server").toString());
        ResourceAdapterInternalException e = assertThrows(ResourceAdapterInternalException.class,
                () -> adapter.start(context));
        assertTrue(e.getMessage().startsWith("The llama connector cannot start. PERSONA_LLAMA_SERVER = '"
                + data.resolve("no/llama-server") + "': expected the path of an existing llama-server"),
                e.getMessage());
    }

    @Test
    void badModelPathFailsTheStartNamingTheSetting() {
        configureLocalPool();
        adapter.setModelFile(data.resolve("phi-3.gguf").toString());
        ResourceAdapterInternalException e = assertThrows(ResourceAdapterInternalException.class,
                () -> adapter.start(context));
        assertTrue(e.getMessage().startsWith("The llama connector cannot start. PERSONA_LLAMA_MODEL = '"
                + data.resolve("phi-3.gguf") + "': expected the path of an existing GGUF model file"), e.getMessage());
    }

    @Test
    void fileThatIsNotGgufFailsTheStartNamingTheSetting() throws Exception {
        configureLocalPool();
        Path text = Files.writeString(data.resolve("readme.gguf"), "not a model");
        adapter.setModelFile(text.toString());
        ResourceAdapterInternalException e = assertThrows(ResourceAdapterInternalException.class,
                () -> adapter.start(context));
        assertTrue(e.getMessage().startsWith("The llama connector cannot start. PERSONA_LLAMA_MODEL = '" + text
                + "': expected a usable GGUF model file"), e.getMessage());
    }

    @Test
    void adaptersAndFactoriesAreEqualWhenConfiguredAlike() {
        LlamaResourceAdapter other = new LlamaResourceAdapter();
        assertEquals(adapter, other);
        assertEquals(adapter.hashCode(), other.hashCode());
        other.setProcesses(3);
        assertNotEquals(adapter, other);

        LlamaManagedConnectionFactory one = new LlamaManagedConnectionFactory();
        LlamaManagedConnectionFactory two = new LlamaManagedConnectionFactory();
        assertEquals(one, two);
        two.setBackendUrls("http://gpu1:8080");
        assertNotEquals(one, two);
    }
}

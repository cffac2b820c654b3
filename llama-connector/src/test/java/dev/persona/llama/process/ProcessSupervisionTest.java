package dev.persona.llama.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona.llama.BackendState;
import dev.persona.llama.BackendStatus;
import dev.persona.llama.ChatCompletion;
import dev.persona.llama.ChatRequest;
import dev.persona.llama.LlamaException;
import dev.persona.llama.backend.LlamaGateway;
import dev.persona.llama.http.LlamaServerClient;
import dev.persona.llama.testing.LlamaTestEnvironment;
import dev.persona.llama.testing.RecordingListener;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crashes, restarts, start-up failures and strays, with the real llama-server. */
class ProcessSupervisionTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path data;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<LlamaServerPool> pools = new ArrayList<>();
    private final List<ProcessHandle> strays = new ArrayList<>();

    @AfterEach
    void stopEverything() {
        pools.forEach(LlamaServerPool::stop);
        strays.forEach(ProcessHandle::destroyForcibly);
        executor.shutdownNow();
    }

    private LlamaServerSettings.Builder settings(String ports) {
        return LlamaServerSettings.builder()
                .serverBinary(LlamaTestEnvironment.serverBinary().toString())
                .modelFile(LlamaTestEnvironment.tinyModel().toString())
                .contextSize(2048).parallelSlots(1).threads(2).portRange(ports)
                .restartDelayMillis(300L).maxRestartDelayMillis(2000L).stopTimeoutSeconds(5)
                .dataDirectory(data.toString());
    }

    private LlamaServerPool start(LlamaServerSettings settings) throws Exception {
        LlamaServerPool pool = new LlamaServerPool(settings, BackgroundTasks.using(executor),
                LlamaServerClient.newHttpClient());
        pools.add(pool);
        pool.start();
        return pool;
    }

    private static BackendStatus await(LlamaServerPool pool, Predicate<BackendStatus> condition, Set<String> seen)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            BackendStatus status = pool.backends().get(0).status();
            seen.add(status.state() + ": " + status.detail());
            if (condition.test(status)) {
                return status;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("condition not reached; states seen: " + seen);
    }

    @Test
    void processKilledMidStreamFailsTheAnswerAndIsRestarted() throws Exception {
        LlamaServerPool pool = start(settings("39320-39329").build());
        assertTrue(pool.awaitReady(WAIT), pool::unavailableReason);
        LlamaGateway gateway = new LlamaGateway(pool);
        long firstPid = pool.backends().get(0).status().pid();

        RecordingListener listener = new RecordingListener();
        gateway.streamChat(ChatRequest.ofUserMessage("a long answer").withMaxTokens(1000).withIgnoreEos(true),
                listener);
        assertTrue(listener.awaitTokens(5, WAIT));
        long killedAt = System.nanoTime();
        ProcessHandle.of(firstPid).orElseThrow().destroyForcibly();

        LlamaException error = listener.awaitError(Duration.ofSeconds(5));
        System.out.printf("kill -9 to listener error: %.1f ms%n", (System.nanoTime() - killedAt) / 1e6);
        assertTrue(error.getMessage().startsWith("llama-server 1 (127.0.0.1:3932"), error.getMessage());
        assertTrue(error.getMessage().contains("stopped answering after"), error.getMessage());

        Set<String> seen = new HashSet<>();
        BackendStatus failed = await(pool, status -> status.state() == BackendState.FAILED, seen);
        assertTrue(failed.detail().startsWith("was killed by SIGKILL after "), failed.detail());
        assertTrue(failed.detail().contains("restarting in 0.3 s"), failed.detail());
        BackendStatus restarted = await(pool, status -> status.state() == BackendState.READY
                && status.restarts() == 1, seen);
        System.out.printf("kill -9 to ready again: %.0f ms%n", (System.nanoTime() - killedAt) / 1e6);
        assertNotEquals(firstPid, restarted.pid());
        assertFalse(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false));

        RecordingListener next = new RecordingListener();
        gateway.streamChat(ChatRequest.ofUserMessage("again").withMaxTokens(8).withIgnoreEos(true), next);
        ChatCompletion completion = next.awaitCompletion(WAIT);
        assertEquals(8, completion.usage().completionTokens());
    }

    @Test
    void processThatCannotStartIsFailedWithItsReasonAndRetried() throws Exception {
        Path incomplete = TestFiles.model(data.resolve("incomplete.gguf"));
        LlamaServerPool pool = start(settings("39330-39339").modelFile(incomplete.toString()).build());

        Set<String> seen = new HashSet<>();
        BackendStatus failed = await(pool, status -> status.state() == BackendState.FAILED, seen);
        assertTrue(failed.detail().startsWith("exited with status 1 while starting (last output: "), failed.detail());
        assertTrue(failed.detail().endsWith("; restarting in 0.3 s"), failed.detail());
        assertFalse(pool.awaitReady(Duration.ofMillis(100)));
        assertTrue(pool.unavailableReason().startsWith("No llama-server process is ready: llama-server 1"),
                pool.unavailableReason());
        await(pool, status -> status.restarts() >= 1, seen);
    }

    @Test
    void processThatIsNotReadyInTimeIsStoppedAndRetried() throws Exception {
        Path silent = TestFiles.script(data.resolve("silent-server"), "never listens", 0);
        Files.writeString(silent, "#!/bin/sh\necho 'loading forever'\nexec sleep 60\n");
        LlamaServerSettings checked = settings("39340-39349").startupTimeoutSeconds(1).build();
        LlamaServerSettings hanging = new LlamaServerSettings(silent, checked.model(), checked.modelSummary(),
                checked.contextSize(), checked.gpuLayers(), checked.parallelSlots(), checked.threads(),
                checked.processes(), checked.ports(), checked.extraArguments(), checked.startupTimeout(),
                checked.stopTimeout(), checked.restartDelay(), checked.maxRestartDelay(), checked.dataDirectory(),
                checked.logLines());
        LlamaServerPool pool = start(hanging);

        Set<String> seen = new HashSet<>();
        BackendStatus failed = await(pool, status -> status.state() == BackendState.FAILED, seen);
        assertEquals("was not ready within 1 s (startupTimeoutSeconds) (last output: loading forever); a large"
                + " model may need a longer timeout; restarting in 0.3 s", failed.detail());
        assertFalse(Files.exists(PidFile.path(data, 1)), "the process is gone");
    }

    @Test
    void strayOfAnEarlierRunIsEndedAtStart() throws Exception {
        long pid = startOrphanLlamaServer();
        ProcessHandle stray = ProcessHandle.of(pid).orElseThrow();
        strays.add(stray);
        awaitExec(stray).write(PidFile.path(data, 1));

        LlamaServerPool pool = start(settings("39350-39359").build());

        assertFalse(stray.isAlive(), "the stray llama-server is still running");
        assertTrue(pool.awaitReady(WAIT), pool::unavailableReason);
    }

    @Test
    void stopEndsTheProcessAndRemovesItsPidFile() throws Exception {
        LlamaServerPool pool = start(settings("39360-39369").build());
        assertTrue(pool.awaitReady(WAIT), pool::unavailableReason);
        long pid = pool.backends().get(0).status().pid();
        assertTrue(Files.exists(PidFile.path(data, 1)));

        long start = System.nanoTime();
        pool.stop();
        System.out.printf("graceful stop: %.0f ms%n", (System.nanoTime() - start) / 1e6);

        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        assertFalse(Files.exists(PidFile.path(data, 1)));
        assertEquals(BackendState.STOPPED, pool.backends().get(0).status().state());
        String log = Files.readString(data.resolve("llama-server-1.log"));
        assertTrue(log.startsWith("---- "), log);
        assertTrue(log.contains("--port 3936"), log);
    }

    /** Starts llama-server through a shell that exits at once, so that the server is no child of this JVM. */
    private long startOrphanLlamaServer() throws Exception {
        Process shell = new ProcessBuilder("sh", "-c", "\"$0\" -m \"$1\" --host 127.0.0.1 --port 39379 -np 1"
                + " >/dev/null 2>&1 </dev/null & echo $!", LlamaTestEnvironment.serverBinary().toString(),
                LlamaTestEnvironment.tinyModel().toString()).start();
        try (BufferedReader output = new BufferedReader(new InputStreamReader(shell.getInputStream(),
                StandardCharsets.UTF_8))) {
            long pid = Long.parseLong(output.readLine().strip());
            shell.waitFor();
            return pid;
        }
    }

    /** Waits until the forked shell has turned into llama-server and the system shows its arguments. */
    private static PidFile awaitExec(ProcessHandle process) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            var described = PidFile.describe(process)
                    .filter(pidFile -> pidFile.command().endsWith("llama-server") && pidFile.arguments().size() > 1);
            if (described.isPresent()) {
                return described.get();
            }
            assertTrue(System.nanoTime() < deadline, "the stray did not start");
            Thread.sleep(10);
        }
    }
}

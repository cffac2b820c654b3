package dev.persona.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled plugins compiled in the background on the caller's thread pool (after the given delay, or at once when
 * the catalog is asked for first), then called within the limits.
 */
class PluginRuntimeTest {

    private static final PluginLimits LIMITS =
            new PluginLimits(Duration.ofMillis(2000), 16L << 20, 64 * 1024, 1L << 20);

    private final ScheduledExecutorService threads = Executors.newScheduledThreadPool(2);

    @TempDir
    Path folder;

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void compilesOnTheGivenThreadsAndRunsCallsWithinItsLimits() throws Exception {
        String[] compiledOn = new String[1];
        PluginRuntime runtime = new PluginRuntime(task -> threads.execute(() -> {
            compiledOn[0] = Thread.currentThread().getName();
            task.run();
        }), threads, LIMITS, Duration.ZERO);

        assertFalse(runtime.compiled().get(60, TimeUnit.SECONDS).isNegative());
        assertTrue(compiledOn[0].startsWith("pool-"), compiledOn[0]);
        assertSame(runtime.catalog(), runtime.catalog(), "compiled once");
        PluginResult result = runtime.runner().run(runtime.catalog().call("calculate", "{\"expression\":\"6 * 7\"}",
                folder, Map.of()));
        assertTrue(result.ok(), result.text());
        assertEquals("42", result.text());
    }

    @Test
    void startsCompilingAfterTheDelayWithoutBeingAsked() throws Exception {
        AtomicInteger compilations = new AtomicInteger();
        long before = System.nanoTime();
        PluginRuntime runtime = new PluginRuntime(task -> {
            compilations.incrementAndGet();
            threads.execute(task);
        }, threads, LIMITS, Duration.ofSeconds(1));

        assertEquals(0, compilations.get(), "nothing compiled before the delay");
        runtime.compiled().get(60, TimeUnit.SECONDS);
        assertTrue(System.nanoTime() - before >= Duration.ofSeconds(1).toNanos(), "started after the delay");
        assertEquals(1, compilations.get());
        runtime.catalog();
        assertEquals(1, compilations.get(), "compiled once");
    }

    @Test
    void theFirstAskForTheCatalogCompilesAtOnceWithinTheDelay() {
        AtomicInteger compilations = new AtomicInteger();
        PluginRuntime runtime = new PluginRuntime(task -> {
            compilations.incrementAndGet();
            threads.execute(task);
        }, threads, LIMITS, Duration.ofHours(1));

        assertFalse(runtime.compiled().isDone());
        assertEquals(0, compilations.get());
        assertTrue(runtime.catalog().plugin("calculator").isPresent());
        assertTrue(runtime.compiled().isDone());
        assertEquals(1, compilations.get());
    }

    @Test
    void aCompilerThatRefusesTheTaskFailsTheCatalogWithItsReason() {
        PluginRuntime runtime = new PluginRuntime(task -> {
            throw new RejectedExecutionException("shut down");
        }, threads, LIMITS, Duration.ZERO);

        CompletionException failure =
                assertThrows(CompletionException.class,
                        runtime::catalog);
        assertEquals("shut down", failure.getCause().getMessage());
        assertTrue(runtime.compiled().isCompletedExceptionally());
    }
}

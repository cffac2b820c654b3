package dev.persona.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled plugins compiled in the background on the caller's thread pool, then called within the limits. */
class PluginRuntimeTest {

    private final ScheduledExecutorService threads = Executors.newScheduledThreadPool(2);

    @TempDir
    Path folder;

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void compilesOnTheGivenThreadsAndRunsCallsWithinItsLimits() throws Exception {
        PluginLimits limits = new PluginLimits(Duration.ofMillis(2000), 16L << 20, 64 * 1024, 1L << 20);
        String[] compiledOn = new String[1];
        PluginRuntime runtime = new PluginRuntime(task -> threads.execute(() -> {
            compiledOn[0] = Thread.currentThread().getName();
            task.run();
        }), threads, limits);

        assertFalse(runtime.compiled().get(60, TimeUnit.SECONDS).isNegative());
        assertTrue(compiledOn[0].startsWith("pool-"), compiledOn[0]);
        assertSame(runtime.catalog(), runtime.catalog(), "compiled once");
        PluginResult result = runtime.runner().run(runtime.catalog().call("calculate", "{\"expression\":\"6 * 7\"}",
                folder, Map.of()));
        assertTrue(result.ok(), result.text());
        assertEquals("42", result.text());
    }
}

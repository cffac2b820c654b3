package dev.persona.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Escapes tried by a hostile module (escape-probe, which checks nothing itself) and refused by the host's sandbox:
 * parent and absolute paths, links, huge writes, endless loops, memory growth, traps and floods of output. After
 * each one the runner still serves an ordinary call.
 */
class SandboxTest {

    private static final PluginLimits LIMITS = new PluginLimits(Duration.ofMillis(1500), 16L << 20, 64 * 1024, 1L << 20);

    private static Plugin probe;
    private static Plugin calculator;
    private static ScheduledExecutorService executor;
    private static PluginRunner runner;

    @TempDir
    Path root;
    Path folder;
    Path secret;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = SandboxTest.class.getResourceAsStream("probe/escape-probe.wasm")) {
            probe = Plugin.load("escape-probe", in.readAllBytes(), List.of());
        }
        calculator = PluginCatalog.bundled().plugin("calculator").orElseThrow();
        executor = Executors.newSingleThreadScheduledExecutor();
        runner = new PluginRunner(executor, LIMITS);
    }

    @AfterAll
    static void stop() {
        executor.shutdownNow();
    }

    @BeforeEach
    void folders() throws IOException {
        folder = Files.createDirectories(root.resolve("persona/files"));
        secret = Files.writeString(root.resolve("secret.txt"), "the owner's secret");
    }

    @AfterEach
    void stillServes() {
        PluginResult ordinary = runner.run(new PluginCall(calculator, "evaluate", Map.of("expression", "6*7"), null, Map.of()));
        assertEquals(PluginOutcome.OK, ordinary.outcome(), ordinary.text());
        assertEquals("42", ordinary.text());
    }

    private PluginResult probe(String function, Map<String, String> arguments) {
        return runner.run(new PluginCall(probe, function, arguments, folder, Map.of()));
    }

    @Test
    void parentPathsAreRefused() {
        for (String path : List.of("../../secret.txt", "a/../../../secret.txt", "/../../secret.txt", "./../../secret.txt")) {
            PluginResult read = probe("read", Map.of("path", path));
            assertEquals(PluginOutcome.TOOL_ERROR, read.outcome(), path + ": " + read.text());
            assertFalse(read.text().contains("owner's secret"), read.text());
            assertTrue(read.text().contains("Operation not permitted"), read.text());
        }
        PluginResult write = probe("write", Map.of("path", "../../planted.txt", "bytes", "10"));
        assertEquals(PluginOutcome.TOOL_ERROR, write.outcome(), write.text());
        assertFalse(Files.exists(root.resolve("planted.txt")));
    }

    @Test
    void absolutePathsStayInsideTheFolder() throws IOException {
        PluginResult read = probe("read", Map.of("path", secret.toString()));
        assertEquals(PluginOutcome.TOOL_ERROR, read.outcome(), read.text());
        assertTrue(read.text().contains("No such file"), read.text());
        PluginResult passwd = probe("read", Map.of("path", "/etc/passwd"));
        assertEquals(PluginOutcome.TOOL_ERROR, passwd.outcome(), passwd.text());
        PluginResult write = probe("write", Map.of("path", "/tmp-planted.txt", "bytes", "10"));
        assertEquals(PluginOutcome.OK, write.outcome(), write.text());
        assertTrue(Files.exists(folder.resolve("tmp-planted.txt")), "'/' is the persona's folder");
    }

    @Test
    void modulesCannotMakeLinks() {
        PluginResult link = probe("symlink", Map.of("target", "../../secret.txt", "link", "door"));
        assertEquals(PluginOutcome.TOOL_ERROR, link.outcome(), link.text());
        assertTrue(link.text().contains("symlink door"), link.text());
        assertFalse(Files.exists(folder.resolve("door"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aFolderWithALinkIsRefusedAsAWhole() throws IOException {
        Files.createSymbolicLink(folder.resolve("door"), secret);
        PluginResult read = probe("read", Map.of("path", "door"));
        assertEquals(PluginOutcome.SANDBOX, read.outcome());
        assertEquals("the folder holds a link or special file ('door'); plugins do not run on folders with links: remove it",
                read.text());
        Files.delete(folder.resolve("door"));
        Files.createDirectories(folder.resolve("deep/er"));
        Files.createSymbolicLink(folder.resolve("deep/er/up"), root);
        assertEquals(PluginOutcome.SANDBOX, probe("read", Map.of("path", "deep/er/up/secret.txt")).outcome());
    }

    @Test
    void hugeWritesStopAtTheFolderQuota() throws IOException {
        PluginResult huge = probe("write", Map.of("path", "huge.bin", "bytes", String.valueOf(1L << 30)));
        assertEquals(PluginOutcome.FOLDER_QUOTA, huge.outcome(), huge.text());
        assertTrue(huge.text().startsWith("the folder would exceed its quota of 1 MiB"), huge.text());
        assertTrue(Files.size(folder.resolve("huge.bin")) <= 1L << 20);
        PluginResult more = probe("write", Map.of("path", "more.bin", "bytes", String.valueOf(700_000)));
        assertEquals(PluginOutcome.FOLDER_QUOTA, more.outcome(), "the quota counts what the folder already holds");
    }

    @Test
    void endlessLoopsAreInterruptedAtTheTimeLimit() {
        PluginResult spin = probe("spin", Map.of());
        assertEquals(PluginOutcome.TIMEOUT, spin.outcome());
        assertEquals("escape-probe ran longer than 1500 ms and was stopped", spin.text());
        assertTrue(spin.elapsedMicros() < 10_000_000, "stopped after " + spin.elapsedMicros() + " µs");
    }

    @Test
    void memoryGrowthStopsAtTheLimit() {
        PluginResult grow = probe("grow", Map.of());
        assertEquals(PluginOutcome.MEMORY_LIMIT, grow.outcome(), grow.text());
        assertEquals("escape-probe ran out of its memory limit of 16 MiB and was stopped", grow.text());
    }

    @Test
    void trapsAreReportedNotThrown() {
        PluginResult trap = probe("trap", Map.of());
        assertEquals(PluginOutcome.TRAP, trap.outcome());
        assertTrue(trap.text().startsWith("escape-probe crashed (WebAssembly trap: "), trap.text());
    }

    @Test
    void floodsOfOutputAreCutOff() {
        PluginResult flood = probe("print", Map.of("bytes", String.valueOf(10 << 20)));
        assertEquals(PluginOutcome.OUTPUT_LIMIT, flood.outcome(), flood.text());
        assertEquals("escape-probe wrote more than 65536 bytes of output; it was cut off", flood.text());
    }
}

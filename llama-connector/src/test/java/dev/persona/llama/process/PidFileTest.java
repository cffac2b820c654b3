package dev.persona.llama.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pid files with real (harmless) processes: {@code sleep}. */
class PidFileTest {

    @TempDir
    Path dir;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killSleepers() {
        started.forEach(Process::destroyForcibly);
    }

    private ProcessHandle sleeper() throws IOException {
        Process process = new ProcessBuilder("sleep", "60").start();
        started.add(process);
        return process.toHandle();
    }

    @Test
    void roundTripsThroughTheFile() throws IOException {
        ProcessHandle process = sleeper();
        PidFile described = PidFile.describe(process).orElseThrow();
        described.write(PidFile.path(dir, 3));

        assertEquals(dir.resolve("llama-server-3.pid"), PidFile.path(dir, 3));
        assertEquals(described, PidFile.read(PidFile.path(dir, 3)));
        assertEquals(List.of("60"), described.arguments());
        assertTrue(described.command().endsWith("sleep"), described.command());
        assertTrue(described.matches(process));
    }

    @Test
    void recordsAProcessItStartedAsTheSystemWillDescribeIt() throws IOException {
        List<String> command = List.of("/bin/sleep", "60");
        Process process = new ProcessBuilder(command).start();
        started.add(process);
        PidFile recorded = PidFile.of(process, command);

        assertEquals(List.of("60"), recorded.arguments());
        assertTrue(recorded.matches(process.toHandle()),
                () -> recorded + " differs from " + PidFile.describe(process.toHandle()));
    }

    @Test
    void endsTheProcessItDescribes() throws IOException {
        ProcessHandle process = sleeper();
        PidFile.describe(process).orElseThrow().write(PidFile.path(dir, 1));

        assertEquals(1, PidFile.endStrays(dir, Duration.ofSeconds(5)));
        assertFalse(process.isAlive());
        assertFalse(Files.exists(PidFile.path(dir, 1)));
    }

    @Test
    void leavesAProcessAloneWhoseArgumentsDiffer() throws IOException {
        ProcessHandle process = sleeper();
        PidFile actual = PidFile.describe(process).orElseThrow();
        new PidFile(actual.pid(), actual.started(), actual.command(), List.of("61")).write(PidFile.path(dir, 1));

        assertEquals(0, PidFile.endStrays(dir, Duration.ofSeconds(5)));
        assertTrue(process.isAlive());
        assertFalse(Files.exists(PidFile.path(dir, 1)), "the stale file is removed");
    }

    @Test
    void leavesARecycledPidAloneWhoseStartTimeDiffers() throws IOException {
        ProcessHandle process = sleeper();
        PidFile actual = PidFile.describe(process).orElseThrow();
        new PidFile(actual.pid(), actual.started().minusSeconds(3600), actual.command(), actual.arguments())
                .write(PidFile.path(dir, 1));

        assertEquals(0, PidFile.endStrays(dir, Duration.ofSeconds(5)));
        assertTrue(process.isAlive());
    }

    @Test
    void ignoresFilesItDidNotWrite() throws IOException {
        Files.writeString(PidFile.path(dir, 2), "pid=1\n");
        Files.writeString(dir.resolve("other.pid"), "1");

        assertEquals(0, PidFile.endStrays(dir, Duration.ofSeconds(5)));
        assertThrows(IOException.class, () -> PidFile.read(dir.resolve("other.pid")));
        assertTrue(Files.exists(dir.resolve("other.pid")), "only llama-server-*.pid files are the pool's");
    }

    @Test
    void processIgnoringSigtermIsKilledAfterTheTimeout() throws Exception {
        Process stubborn = new ProcessBuilder("sh", "-c", "trap '' TERM; echo ready; sleep 60 & wait").start();
        started.add(stubborn);
        stubborn.getInputStream().read();
        long start = System.nanoTime();
        stubborn.destroy();
        PidFile.awaitExit(stubborn.toHandle(), Duration.ofMillis(300));

        assertFalse(stubborn.isAlive());
        assertTrue((System.nanoTime() - start) / 1e6 >= 290, "killed before the timeout");
    }
}

package dev.persona.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The integration tests' teardown: every step runs, in order, and the first failure is the one thrown. */
class TeardownTest {

    @Test
    void everyStepRunsInOrderAndTheFirstFailureCarriesTheOthers() {
        List<String> ran = new ArrayList<>();
        IOException first = new IOException("first");
        AssertionError second = new AssertionError("second");

        IOException thrown = assertThrows(IOException.class, () -> PersonaHost.tearDown(null)
                .first(() -> ran.add("phone"), null, () -> {
                    ran.add("page");
                    throw first;
                })
                .checkingLog()
                .then(() -> {
                    ran.add("fixture");
                    throw second;
                }, () -> ran.add("measurements"))
                .run());

        assertSame(first, thrown);
        assertEquals(List.of(second), List.of(thrown.getSuppressed()));
        assertEquals(List.of("phone", "page", "fixture", "measurements"), ran);
    }

    @Test
    void measurementsAreWrittenAfterTheRest(@TempDir Path folder) throws Exception {
        Path file = folder.resolve("target/measurements.txt");
        PersonaHost.tearDown(null).writing(file, List.of("a", "b")).run();
        assertEquals(List.of("a", "b"), Files.readAllLines(file));
    }
}

package dev.persona.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The revision a run records, against a real git repository made in the test. */
class SourceRevisionTest {

    @TempDir
    Path repository;
    private TestRepository git;

    @BeforeEach
    void aRepository() throws IOException {
        git = new TestRepository(repository);
        git.write("Relay.java", "class Relay {}");
        git.commit("code");
    }

    @Test
    void aRunKeepsTheRevisionOfItsStartWhenTheRepositoryMovesOnWhileItRuns() throws IOException {
        String atStart = git.head();
        Supplier<SourceRevision> run = SourceRevision.once(() -> SourceRevision.of(repository));
        assertEquals(new SourceRevision(atStart, true), run.get(), "read at the run's start");

        git.write("Relay.java", "class Relay { int faster; }");
        assertFalse(SourceRevision.of(repository).clean());
        git.commit("relay: faster, committed while the soak ran");

        assertEquals(new SourceRevision(atStart, true), run.get(), "a result written later records the start's");
        assertEquals(git.head(), SourceRevision.of(repository).commit());
        assertNotEquals(atStart, git.head());
    }

    @Test
    void benchRunGivesTheRevisionItReadAfterItsBuild() {
        Properties properties = new Properties();
        assertEquals(Optional.empty(), SourceRevision.given(properties), "none given: the JVM reads it itself");

        properties.setProperty("bench.commit", "0123456789abcdef0123456789abcdef01234567");
        properties.setProperty("bench.clean", "false");
        assertEquals(Optional.of(new SourceRevision("0123456789abcdef0123456789abcdef01234567", false)),
                SourceRevision.given(properties));

        properties.setProperty("bench.commit", "HEAD");
        assertThrows(IllegalArgumentException.class, () -> SourceRevision.given(properties));
    }
}

package dev.persona.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench/run --check} against a real git repository made in the test. */
class ResultsCheckTest {

    @TempDir
    Path repository;
    private TestRepository git;

    @BeforeEach
    void aRepositoryWithSignalingCode() throws IOException {
        git = new TestRepository(repository);
        git.write("persona-signaling/src/main/Relay.java", "class Relay {}");
        git.write("plugins/src/main/Runner.java", "class Runner {}");
        Files.createDirectories(repository.resolve("bench/results"));
        git.commit("code");
    }

    @Test
    void aResultAtTheCurrentCodeWithItsTargetMetPasses() throws IOException {
        result("signaling-messages-per-second", git.head(), true, true);
        git.commit("results");

        assertEquals(List.of(), ResultsCheck.problems(repository));
    }

    @Test
    void aLaterChangeToTheMeasuredCodeMakesItStaleButOtherCodeDoesNot() throws IOException {
        String measured = git.head();
        result("signaling-messages-per-second", measured, true, true);
        result("plugin-calculator-call-ms", measured, true, true);
        git.commit("results");
        git.write("persona-signaling/src/main/Relay.java", "class Relay { int faster; }");
        git.commit("relay: faster");

        List<String> problems = ResultsCheck.problems(repository);

        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("signaling-messages-per-second: stale, 1 later commit(s) changed"),
                problems.get(0));
        assertTrue(problems.get(0).endsWith("relay: faster"), problems.get(0));
    }

    @Test
    void aMissedTargetAResultWithoutCommitAndADirtyTreeAreEachReported() throws IOException {
        result("plugin-calculator-call-ms", git.head(), false, true);
        result("signaling-memory-per-peer-kib", null, true, true);
        result("signaling-paced-p99-ms", git.head(), true, false);

        List<String> problems = ResultsCheck.problems(repository);

        assertEquals(List.of("plugin-calculator-call-ms: target missed (ours <= 1)",
                "signaling-memory-per-peer-kib: stale, it records no commit",
                "signaling-paced-p99-ms: stale, measured on a tree with uncommitted changes at "
                        + git.head().substring(0, 10)), problems);
    }

    @Test
    void aCommitOutsideTheHistoryAndAnUnknownBenchmarkAreStale() throws IOException {
        result("signaling-paced-p99-ms", "0123456789abcdef0123456789abcdef01234567", true, true);
        result("phone-battery-drain", git.head(), true, true);

        Map<String, String> expected = Map.of(
                "phone-battery-drain", "stale, no measured code is known for this benchmark",
                "signaling-paced-p99-ms", "stale, its commit 0123456789 is not in this branch's history");
        List<String> problems = ResultsCheck.problems(repository);

        assertEquals(2, problems.size(), problems.toString());
        expected.forEach((name, why) -> assertTrue(problems.stream().anyMatch(p -> p.startsWith(name + ": " + why)),
                problems.toString()));
    }

    private void result(String name, String commit, boolean met, boolean clean) throws IOException {
        String provenance = commit == null ? "" : "\"commit\": \"" + commit + "\", \"clean\": " + clean + ", ";
        git.write("bench/results/" + name + ".json", "{\"benchmark\": \"" + name + "\", \"target\": \"ours <= 1\", "
                + provenance + "\"met\": " + met + "}");
    }
}

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

    @BeforeEach
    void aRepositoryWithSignalingCode() throws IOException {
        git("init", "-q");
        git("config", "user.email", "bench@example.invalid");
        git("config", "user.name", "bench");
        write("persona-signaling/src/main/Relay.java", "class Relay {}");
        write("plugins/src/main/Runner.java", "class Runner {}");
        Files.createDirectories(repository.resolve("bench/results"));
        commit("code");
    }

    @Test
    void aResultAtTheCurrentCodeWithItsTargetMetPasses() throws IOException {
        result("signaling-messages-per-second", head(), true, true);
        commit("results");

        assertEquals(List.of(), ResultsCheck.problems(repository));
    }

    @Test
    void aLaterChangeToTheMeasuredCodeMakesItStaleButOtherCodeDoesNot() throws IOException {
        String measured = head();
        result("signaling-messages-per-second", measured, true, true);
        result("plugin-calculator-call-ms", measured, true, true);
        commit("results");
        write("persona-signaling/src/main/Relay.java", "class Relay { int faster; }");
        commit("relay: faster");

        List<String> problems = ResultsCheck.problems(repository);

        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("signaling-messages-per-second: stale, 1 later commit(s) changed"),
                problems.get(0));
        assertTrue(problems.get(0).endsWith("relay: faster"), problems.get(0));
    }

    @Test
    void aMissedTargetAResultWithoutCommitAndADirtyTreeAreEachReported() throws IOException {
        result("plugin-calculator-call-ms", head(), false, true);
        result("signaling-memory-per-peer-kib", null, true, true);
        result("signaling-paced-p99-ms", head(), true, false);

        List<String> problems = ResultsCheck.problems(repository);

        assertEquals(List.of("plugin-calculator-call-ms: target missed (ours <= 1)",
                "signaling-memory-per-peer-kib: stale, it records no commit",
                "signaling-paced-p99-ms: stale, measured on a tree with uncommitted changes at "
                        + head().substring(0, 10)), problems);
    }

    @Test
    void aCommitOutsideTheHistoryAndAnUnknownBenchmarkAreStale() throws IOException {
        result("signaling-paced-p99-ms", "0123456789abcdef0123456789abcdef01234567", true, true);
        result("phone-battery-drain", head(), true, true);

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
        write("bench/results/" + name + ".json", "{\"benchmark\": \"" + name + "\", \"target\": \"ours <= 1\", "
                + provenance + "\"met\": " + met + "}");
    }

    private void write(String path, String text) throws IOException {
        Path file = repository.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private void commit(String message) {
        git("add", "-A");
        git("commit", "-q", "-m", message);
    }

    private String head() {
        return git("rev-parse", "HEAD").strip();
    }

    private String git(String... arguments) {
        return SourceRevision.git(repository, arguments);
    }
}

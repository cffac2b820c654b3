package dev.persona.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The git commit a benchmark measured and whether the tree had changes beyond it, so a result names the code it
 * stands for ({@code bench/run --check} compares it with the history). Files the benchmarks write themselves
 * ({@code bench/results}, {@code bench/README.md}, {@code bench/work}) do not count as changes.
 *
 * @param commit the full hash of {@code HEAD}
 * @param clean  whether the working tree matched that commit
 */
public record SourceRevision(String commit, boolean clean) {

    private static final List<String> WRITTEN_BY_BENCHMARKS =
            List.of(":!bench/results", ":!bench/README.md", ":!bench/work");

    /** The revision of the repository the benchmarks run in (system property {@code bench.repository}). */
    public static SourceRevision current() {
        return of(Path.of(System.getProperty("bench.repository", ".")).toAbsolutePath().normalize());
    }

    static SourceRevision of(Path repository) {
        String commit = git(repository, "rev-parse", "HEAD").strip();
        List<String> status = new ArrayList<>(List.of("status", "--porcelain", "--", "."));
        status.addAll(WRITTEN_BY_BENCHMARKS);
        return new SourceRevision(commit, git(repository, status.toArray(String[]::new)).isBlank());
    }

    /** Runs git in {@code repository} and returns its output; fails with git's message. */
    static String git(Path repository, String... arguments) {
        List<String> command = new ArrayList<>(List.of("git", "-C", repository.toString()));
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output.strip());
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run git in " + repository, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running git", e);
        }
    }
}

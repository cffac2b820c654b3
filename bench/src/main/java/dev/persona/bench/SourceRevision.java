package dev.persona.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The git commit a benchmark measured and whether the tree had changes beyond it, so a result names the code it
 * stands for ({@code bench/run --check} compares it with the history). Files the benchmarks write themselves
 * ({@code bench/results}, {@code bench/README.md}, {@code bench/work}) do not count as changes.
 *
 * <p>A run reads it once, at its start ({@link #ofThisRun}): a commit made while a benchmark runs (the soak takes 30
 * minutes) is not the code it measured. {@code bench/run} reads it after its build, before any benchmark, and gives it
 * to each benchmark's JVM as {@code bench.commit} and {@code bench.clean}.
 *
 * @param commit the full hash of {@code HEAD}
 * @param clean  whether the working tree matched that commit
 */
public record SourceRevision(String commit, boolean clean) {

    private static final List<String> WRITTEN_BY_BENCHMARKS =
            List.of(":!bench/results", ":!bench/README.md", ":!bench/work");

    private static final Supplier<SourceRevision> THIS_RUN = once(() -> given(System.getProperties())
            .orElseGet(() -> of(Path.of(System.getProperty("bench.repository", ".")).toAbsolutePath().normalize())));

    /**
     * The revision this run measures: {@code bench/run}'s ({@code bench.commit}, {@code bench.clean}), or else the
     * repository's (system property {@code bench.repository}) at the first call of this JVM, kept for every later
     * one.
     */
    public static SourceRevision ofThisRun() {
        return THIS_RUN.get();
    }

    /** Prints {@code <commit> <clean>} of the repository given as the first argument, for {@code bench/run}. */
    public static void main(String[] arguments) {
        SourceRevision revision = of(Path.of(arguments[0]).toAbsolutePath().normalize());
        System.out.println(revision.commit() + " " + revision.clean());
    }

    /** The revision given as the system properties {@code bench.commit} and {@code bench.clean}, if it is. */
    static Optional<SourceRevision> given(Properties properties) {
        String commit = properties.getProperty("bench.commit");
        if (commit == null || commit.isBlank()) {
            return Optional.empty();
        }
        if (!commit.matches("[0-9a-f]{40}")) {
            throw new IllegalArgumentException("bench.commit must be a full git hash, not '" + commit + "'");
        }
        return Optional.of(new SourceRevision(commit, Boolean.parseBoolean(properties.getProperty("bench.clean"))));
    }

    /** {@code read}'s revision at the first call, and the same at every later one. */
    static Supplier<SourceRevision> once(Supplier<SourceRevision> read) {
        return new Supplier<>() {
            private SourceRevision revision;

            @Override
            public synchronized SourceRevision get() {
                if (revision == null) {
                    revision = read.get();
                }
                return revision;
            }
        };
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

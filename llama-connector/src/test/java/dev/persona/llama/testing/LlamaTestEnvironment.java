package dev.persona.llama.testing;

import dev.persona.models.TinyModelGenerator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where the tests find llama-server and the tiny model: system property {@code persona.llama.server} (the binary)
 * and {@code persona.test.vocab} (llama.cpp's {@code models/ggml-vocab-phi-3.gguf}); when unset, the repository's
 * {@code scripts/build-llama-server.sh} tells (it answers at once when the binary is cached, and builds it
 * otherwise). The tiny model is generated once per test JVM into a temporary folder. Whatever the tests leave
 * running when the test JVM ends (a test that failed before its clean-up, a run stopped with Ctrl-C) is killed by
 * a shutdown hook.
 */
public final class LlamaTestEnvironment {

    private static final String SCRIPT = "scripts/build-llama-server.sh";

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().descendants()
                .forEach(ProcessHandle::destroyForcibly), "kill-test-processes"));
    }
    private static Path serverBinary;
    private static Path tinyModel;

    private LlamaTestEnvironment() {
    }

    /** The llama-server executable. */
    public static synchronized Path serverBinary() {
        if (serverBinary == null) {
            String configured = System.getProperty("persona.llama.server", "");
            serverBinary = configured.isBlank() ? Path.of(runBuildScript()) : Path.of(configured);
            if (!Files.isExecutable(serverBinary)) {
                throw new IllegalStateException("llama-server not found at " + serverBinary
                        + "; set -Dpersona.llama.server or run " + SCRIPT);
            }
        }
        return serverBinary;
    }

    /** The tiny llama model with the Phi-3 vocabulary and chat template. */
    public static synchronized Path tinyModel() {
        if (tinyModel == null) {
            try {
                Path directory = Files.createTempDirectory("persona-tiny-model");
                Path model = directory.resolve("persona-tiny.gguf");
                directory.toFile().deleteOnExit();
                model.toFile().deleteOnExit();
                TinyModelGenerator.generate(vocabulary(), model, TinyModelGenerator.DEFAULT_SEED);
                tinyModel = model;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot generate the tiny model", e);
            }
        }
        return tinyModel;
    }

    /** llama.cpp's {@code models/ggml-vocab-phi-3.gguf}: {@code persona.test.vocab}, else the built source's. */
    static Path vocabulary() {
        String configured = System.getProperty("persona.test.vocab", "");
        Path vocabulary = configured.isBlank()
                ? Path.of(runBuildScript("--source-dir")).resolve("models/ggml-vocab-phi-3.gguf")
                : Path.of(configured);
        if (!Files.isRegularFile(vocabulary)) {
            throw new IllegalStateException("vocabulary not found at " + vocabulary + "; set -Dpersona.test.vocab");
        }
        return vocabulary;
    }

    /** Runs the build script and returns the last line it printed. */
    private static String runBuildScript(String... arguments) {
        Path script = repositoryRoot().resolve(SCRIPT);
        try {
            Path output = Files.createTempFile("build-llama-server", ".out");
            try {
                List<String> command = new ArrayList<>(List.of(script.toString()));
                command.addAll(List.of(arguments));
                Process process = new ProcessBuilder(command).redirectOutput(output.toFile())
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
                    process.destroyForcibly();
                    throw new IllegalStateException(SCRIPT + " failed; see its output above");
                }
                List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
                return lines.get(lines.size() - 1).strip();
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + script, e);
        }
    }

    /** {@code maven.multiModuleProjectDirectory}, else the first parent folder holding the build script. */
    private static Path repositoryRoot() {
        String configured = System.getProperty("maven.multiModuleProjectDirectory", "");
        if (!configured.isBlank() && Files.isRegularFile(Path.of(configured).resolve(SCRIPT))) {
            return Path.of(configured);
        }
        for (Path directory = Path.of("").toAbsolutePath(); directory != null; directory = directory.getParent()) {
            if (Files.isRegularFile(directory.resolve(SCRIPT))) {
                return directory;
            }
        }
        throw new IllegalStateException("cannot find " + SCRIPT + " above " + Path.of("").toAbsolutePath());
    }
}

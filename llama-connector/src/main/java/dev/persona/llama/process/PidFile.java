package dev.persona.llama.process;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * What the pool records about each process it starts, in {@code llama-server-<n>.pid} of the data directory:
 * pid, start time, executable and arguments. If the JVM dies without stopping the pool, the next start reads these
 * files and ends the processes they describe, but only a process whose start time, executable and arguments all
 * still match, so a recycled pid of some unrelated program is never touched.
 *
 * @param pid        process id
 * @param started    start time as the operating system reports it
 * @param command    the executable, as the operating system reports it
 * @param arguments  the arguments after the executable
 */
record PidFile(long pid, Instant started, String command, List<String> arguments) {

    private static final Logger LOG = Logger.getLogger(PidFile.class.getName());
    private static final String PREFIX = "llama-server-";
    private static final String SUFFIX = ".pid";

    PidFile {
        arguments = List.copyOf(arguments);
    }

    /** The pid file of process {@code number} in {@code directory}. */
    static Path path(Path directory, int number) {
        return directory.resolve(PREFIX + number + SUFFIX);
    }

    /**
     * Describes a process this JVM just started with {@code command}. The executable and arguments come from the
     * command itself: right after the start the operating system may not show the new program's arguments yet.
     *
     * @throws IOException if the system does not tell the start time
     */
    static PidFile of(Process process, List<String> command) throws IOException {
        Instant started = process.info().startInstant().orElseThrow(() -> new IOException(
                "the operating system does not tell the start time of pid " + process.pid()));
        return new PidFile(process.pid(), started, Path.of(command.get(0)).toRealPath().toString(),
                command.subList(1, command.size()));
    }

    /**
     * Describes a running process as the operating system reports it.
     *
     * @return empty if the system does not tell the start time, executable or arguments
     */
    static Optional<PidFile> describe(ProcessHandle process) {
        ProcessHandle.Info info = process.info();
        if (info.startInstant().isEmpty() || info.command().isEmpty() || info.arguments().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PidFile(process.pid(), info.startInstant().get(), info.command().get(),
                List.of(info.arguments().get())));
    }

    /** Writes the file atomically (a reader never sees half of it). */
    void write(Path file) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("pid", Long.toString(pid));
        properties.setProperty("started", started.toString());
        properties.setProperty("command", command);
        properties.setProperty("arguments", Integer.toString(arguments.size()));
        for (int i = 0; i < arguments.size(); i++) {
            properties.setProperty("argument." + i, arguments.get(i));
        }
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
            properties.store(writer, "llama-server started by the Persona llama connector");
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Reads a file {@link #write} wrote.
     *
     * @throws IOException if it cannot be read or is not such a file
     */
    static PidFile read(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        try {
            int count = Integer.parseInt(properties.getProperty("arguments"));
            List<String> arguments = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                arguments.add(required(properties, "argument." + i));
            }
            return new PidFile(Long.parseLong(properties.getProperty("pid")),
                    Instant.parse(required(properties, "started")), required(properties, "command"), arguments);
        } catch (RuntimeException e) {
            throw new IOException(file + " is not a pid file of this connector: " + e.getMessage(), e);
        }
    }

    private static String required(Properties properties, String key) {
        String value = properties.getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException("no " + key);
        }
        return value;
    }

    /** Whether {@code process} is still the one this file describes. */
    boolean matches(ProcessHandle process) {
        return process.isAlive() && describe(process).map(this::equals).orElse(false);
    }

    /**
     * Ends every process that a pid file in {@code directory} describes and that still matches it (SIGTERM, then
     * SIGKILL after {@code stopTimeout}), and deletes the files.
     *
     * @return how many processes were ended
     */
    static int endStrays(Path directory, Duration stopTimeout) throws IOException {
        List<ProcessHandle> ending = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, PREFIX + "*" + SUFFIX)) {
            for (Path file : files) {
                endStray(file).ifPresent(ending::add);
                Files.deleteIfExists(file);
            }
        }
        for (ProcessHandle process : ending) {
            awaitExit(process, stopTimeout);
        }
        return ending.size();
    }

    private static Optional<ProcessHandle> endStray(Path file) {
        PidFile recorded;
        try {
            recorded = read(file);
        } catch (IOException e) {
            LOG.warning("Ignoring " + file + ": " + e.getMessage());
            return Optional.empty();
        }
        Optional<ProcessHandle> process = ProcessHandle.of(recorded.pid()).filter(recorded::matches);
        if (process.isEmpty()) {
            return Optional.empty();
        }
        LOG.warning("Ending llama-server pid " + recorded.pid() + " that an earlier run left behind (" + file + ")");
        process.get().destroy();
        return process;
    }

    /** Waits for {@code process} to exit after SIGTERM; kills it if it takes longer than {@code timeout}. */
    static void awaitExit(ProcessHandle process, Duration timeout) {
        CompletableFuture<ProcessHandle> exit = process.onExit();
        try {
            exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warning("llama-server pid " + process.pid() + " did not exit within " + timeout.toSeconds()
                    + " s of SIGTERM; killing it");
            process.destroyForcibly();
            exit.completeOnTimeout(process, 5, TimeUnit.SECONDS).join();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for pid " + process.pid() + " failed", e.getCause());
        }
    }
}

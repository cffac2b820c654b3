package dev.persona.llama.process;

import dev.persona.llama.BackendState;
import dev.persona.llama.BackendStatus;
import dev.persona.llama.LlamaException;
import dev.persona.llama.backend.Backend;
import dev.persona.llama.backend.Backoff;
import dev.persona.llama.http.LlamaServerClient;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One supervised llama-server: a supervisor task launches it on a free port of the range with a fresh random API
 * key, polls {@code /health} until it answers 200 (503 means the model is loading), then waits for it to exit.
 * When it dies or does not get ready in time, the supervisor restarts it after a back-off that doubles with each
 * consecutive failure and starts over once a run stayed up longer than the longest delay. A second task copies
 * its output to {@code llama-server-<n>.log} in the data directory and keeps the last lines for display.
 * {@link #requestStop()} sends SIGTERM; the supervisor kills the process if it is still there after the stop
 * timeout.
 */
public final class LlamaProcess extends Backend {

    private static final Logger LOG = Logger.getLogger(LlamaProcess.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Pause between {@code /health} polls while the process starts. */
    private static final Duration HEALTH_POLL_INTERVAL = Duration.ofMillis(50);
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(2);
    /** A log file that has grown past this is moved to {@code .log.1} at the next launch. */
    private static final long MAX_LOG_BYTES = 10L << 20;
    private static final Map<Integer, String> SIGNALS = Map.of(2, "SIGINT", 4, "SIGILL", 6, "SIGABRT", 7, "SIGBUS",
            8, "SIGFPE", 9, "SIGKILL", 11, "SIGSEGV", 15, "SIGTERM");

    private final int number;
    private final LlamaServerSettings settings;
    private final PortAllocator ports;
    private final BackgroundTasks tasks;
    private final HttpClient http;
    private final LogTail log;
    private final Backoff backoff;
    private final Path pidFile;
    private final Path logFile;
    private final CompletableFuture<Void> stopRequested = new CompletableFuture<>();
    private final CountDownLatch supervisorDone = new CountDownLatch(1);

    private BackendState state = BackendState.STOPPED;
    private String detail;
    private Instant since = Instant.now();
    private Run run;
    private int port;
    private int restarts;
    private boolean stopping;

    /** One launch of the process. */
    private static final class Run {

        final Process process;
        final List<String> command;
        final int port;
        final LlamaServerClient client;
        final Instant launched = Instant.now();
        final CountDownLatch outputCopied = new CountDownLatch(1);
        private final AtomicBoolean terminated = new AtomicBoolean();

        Run(Process process, List<String> command, int port, LlamaServerClient client) {
            this.process = process;
            this.command = command;
            this.port = port;
            this.client = client;
        }

        /** Sends SIGTERM, once. */
        void terminate() {
            if (terminated.compareAndSet(false, true)) {
                process.destroy();
            }
        }

        /** Sends SIGTERM if not done yet and waits for the exit; SIGKILL after {@code timeout}. */
        void stop(Duration timeout) {
            terminate();
            PidFile.awaitExit(process.toHandle(), timeout);
        }
    }

    LlamaProcess(int number, LlamaServerSettings settings, PortAllocator ports, BackgroundTasks tasks,
                 HttpClient http) {
        this.number = number;
        this.settings = settings;
        this.ports = ports;
        this.tasks = tasks;
        this.http = http;
        this.log = new LogTail(settings.logLines());
        this.backoff = new Backoff(settings.restartDelay(), settings.maxRestartDelay());
        this.pidFile = PidFile.path(settings.dataDirectory(), number);
        this.logFile = settings.dataDirectory().resolve("llama-server-" + number + ".log");
    }

    /**
     * Starts the supervisor task, which launches the process.
     *
     * @throws java.util.concurrent.RejectedExecutionException if the task cannot be started
     */
    void start() {
        transition(BackendState.STARTING, null);
        try {
            tasks.start(baseName() + " supervisor", this::supervise);
        } catch (RuntimeException e) {
            transition(BackendState.FAILED, "its supervisor task could not be started: " + e.getMessage());
            supervisorDone.countDown();
            throw e;
        }
    }

    /** Asks the process to stop (SIGTERM) and the supervisor to end; returns at once. Idempotent. */
    void requestStop() {
        Run current;
        synchronized (this) {
            if (stopping) {
                return;
            }
            stopping = true;
            current = run;
        }
        stopRequested.complete(null);
        if (current != null) {
            current.terminate();
        }
    }

    /** Waits until the supervisor has ended and the process is gone. */
    boolean awaitStopped(Duration timeout) throws InterruptedException {
        return supervisorDone.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void supervise() {
        String crash = null;
        try {
            while (!isStopping()) {
                Run current = null;
                String failure;
                Duration uptime = Duration.ZERO;
                try {
                    current = launch();
                    if (current == null) {
                        break;
                    }
                    failure = awaitReady(current);
                } catch (IOException e) {
                    failure = "cannot be started: " + e.getMessage();
                }
                if (current != null) {
                    Instant readyAt = Instant.now();
                    if (failure == null) {
                        CompletableFuture.anyOf(current.process.onExit(), stopRequested).join();
                    }
                    current.stop(settings.stopTimeout());
                    finishRun(current);
                    if (isStopping()) {
                        break;
                    }
                    if (failure == null) {
                        uptime = Duration.between(readyAt, Instant.now());
                        failure = exitDescription(current, " after " + seconds(uptime));
                    }
                }
                if (waitBeforeRestart(uptime, failure)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "The supervisor of " + name() + " failed; the process is stopped", e);
            crash = "its supervisor failed (" + e + "); redeploy the connector after fixing the cause";
        } finally {
            Run last = currentRun();
            if (last != null) {
                last.stop(settings.stopTimeout());
                finishRun(last);
            }
            transition(crash == null ? BackendState.STOPPED : BackendState.FAILED, crash);
            supervisorDone.countDown();
        }
    }

    private Run launch() throws IOException {
        Run launched;
        synchronized (this) {
            if (stopping) {
                return null;
            }
            int newPort = ports.acquire(port);
            try {
                rotateLogFile();
                List<String> command = settings.command(newPort);
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                        .directory(settings.dataDirectory().toFile());
                // The settings are the only source of llama-server's configuration: no LLAMA_ARG_* variable of the
                // server's environment may override them (e.g. LLAMA_ARG_HOST=0.0.0.0).
                builder.environment().keySet().removeIf(name -> name.startsWith("LLAMA_ARG_"));
                String apiKey = newApiKey();
                builder.environment().put("LLAMA_API_KEY", apiKey);
                Process process = builder.start();
                port = newPort;
                LlamaServerClient client = new LlamaServerClient(baseName() + " (127.0.0.1:" + newPort + ")",
                        URI.create("http://127.0.0.1:" + newPort), apiKey, null, http);
                launched = new Run(process, command, newPort, client);
                run = launched;
            } catch (IOException | RuntimeException e) {
                ports.release(newPort);
                throw e;
            }
        }
        writePidFile(launched);
        transition(BackendState.STARTING, "pid " + launched.process.pid());
        try {
            tasks.start(baseName() + " output", () -> copyOutput(launched));
        } catch (RuntimeException e) {
            launched.outputCopied.countDown();
            launched.stop(settings.stopTimeout());
            finishRun(launched);
            throw new IOException("its log reader task could not be started: " + e.getMessage(), e);
        }
        return launched;
    }

    /**
     * Polls {@code /health} until the server is ready, exits, runs out of time or a stop is requested.
     *
     * @return {@code null} when ready, else why not
     */
    private String awaitReady(Run current) throws InterruptedException {
        Instant deadline = current.launched.plus(settings.startupTimeout());
        while (!isStopping()) {
            if (!current.process.isAlive()) {
                current.outputCopied.await(2, TimeUnit.SECONDS);
                return exitDescription(current, " while starting");
            }
            if (Instant.now().isAfter(deadline)) {
                return "was not ready within " + settings.startupTimeout().toSeconds() + " s (startupTimeoutSeconds)"
                        + lastOutput() + "; a large model may need a longer timeout";
            }
            try {
                int status = current.client.health(HEALTH_TIMEOUT);
                if (status == 200) {
                    transition(BackendState.READY, "up after " + seconds(Duration.between(current.launched,
                            Instant.now())));
                    return null;
                }
                if (status == 503 && currentState() != BackendState.LOADING_MODEL) {
                    transition(BackendState.LOADING_MODEL, "pid " + current.process.pid());
                }
            } catch (IOException e) {
                // not listening yet
            }
            awaitStopRequest(HEALTH_POLL_INTERVAL);
        }
        return "stopped";
    }

    /** Waits for the output copy to end, forgets the run, releases its port and deletes its pid file. */
    private void finishRun(Run finished) {
        try {
            finished.outputCopied.await(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (run == finished) {
                run = null;
            }
        }
        ports.release(finished.port);
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            LOG.warning("Cannot delete " + pidFile + ": " + e);
        }
    }

    /**
     * Records the failure and waits before the next launch; a run that stayed up longer than the longest delay
     * resets the back-off.
     *
     * @return whether a stop was requested meanwhile
     */
    private boolean waitBeforeRestart(Duration uptime, String failure) throws InterruptedException {
        if (uptime.compareTo(backoff.max()) >= 0) {
            backoff.reset();
        }
        Duration delay = backoff.nextDelay();
        transition(BackendState.FAILED, failure + "; restarting in " + seconds(delay));
        if (awaitStopRequest(delay)) {
            return true;
        }
        synchronized (this) {
            restarts++;
        }
        return false;
    }

    /** Sleeps for {@code duration} or until a stop is requested; returns whether one was. */
    private boolean awaitStopRequest(Duration duration) throws InterruptedException {
        try {
            stopRequested.get(duration.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    private void copyOutput(Run current) {
        BufferedWriter file = openLogFile(current);
        try (BufferedReader output = new BufferedReader(new InputStreamReader(current.process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = output.readLine()) != null) {
                log.add(line);
                if (file != null) {
                    file = writeLine(file, line);
                }
            }
        } catch (IOException e) {
            log.add("[connector] reading the output of pid " + current.process.pid() + " failed: " + e.getMessage());
        } finally {
            closeQuietly(file);
            current.outputCopied.countDown();
        }
    }

    private BufferedWriter openLogFile(Run current) {
        try {
            BufferedWriter file = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            file.write("---- " + Instant.now() + " pid " + current.process.pid() + ": " + String.join(" ",
                    current.command));
            file.newLine();
            file.flush();
            return file;
        } catch (IOException e) {
            log.add("[connector] cannot write " + logFile + ": " + e.getMessage());
            return null;
        }
    }

    /** Appends one line; on failure stops writing the file (the tail still gets every line). */
    private BufferedWriter writeLine(BufferedWriter file, String line) {
        try {
            file.write(line);
            file.newLine();
            file.flush();
            return file;
        } catch (IOException e) {
            log.add("[connector] stopped writing " + logFile + ": " + e.getMessage());
            closeQuietly(file);
            return null;
        }
    }

    private static void closeQuietly(BufferedWriter file) {
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                // the lines are already flushed
            }
        }
    }

    private void rotateLogFile() {
        try {
            if (Files.exists(logFile) && Files.size(logFile) > MAX_LOG_BYTES) {
                Files.move(logFile, logFile.resolveSibling(logFile.getFileName() + ".1"),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.warning("Cannot rotate " + logFile + ": " + e);
        }
    }

    private void writePidFile(Run launched) {
        try {
            PidFile.of(launched.process, launched.command).write(pidFile);
        } catch (IOException e) {
            LOG.warning("Cannot write " + pidFile + " (" + e.getMessage() + "); if this JVM crashes, end pid "
                    + launched.process.pid() + " by hand");
        }
    }

    /**
     * E.g. {@code exited with status 1 while starting (last output: ...)}. A SIGKILL comes from outside, so the
     * process's own last words do not explain it.
     */
    private String exitDescription(Run finished, String when) {
        int code = finished.process.exitValue();
        String signal = code > 128 ? SIGNALS.get(code - 128) : null;
        if ("SIGKILL".equals(signal)) {
            return "was killed by SIGKILL" + when + " (by another program, or by the kernel when memory ran out)";
        }
        return (signal != null ? "was killed by " + signal : "exited with status " + code) + when + lastOutput();
    }

    private String lastOutput() {
        String line = log.tellingLine();
        return line == null ? "" : " (last output: " + line + ")";
    }

    private static String newApiKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    private synchronized void transition(BackendState newState, String newDetail) {
        if (newState != state) {
            since = Instant.now();
        }
        state = newState;
        detail = newDetail;
        String message = name() + ": " + newState.name().toLowerCase(Locale.ROOT).replace('_', ' ')
                + (newDetail == null ? "" : " (" + newDetail + ")");
        LOG.log(newState == BackendState.FAILED ? Level.WARNING : Level.INFO, message);
    }

    private synchronized boolean isStopping() {
        return stopping;
    }

    private synchronized Run currentRun() {
        return run;
    }

    private synchronized BackendState currentState() {
        return state;
    }

    private String baseName() {
        return "llama-server " + number;
    }

    @Override
    public synchronized String name() {
        return port == 0 ? baseName() : baseName() + " (127.0.0.1:" + port + ")";
    }

    @Override
    public synchronized boolean isReady() {
        return state == BackendState.READY;
    }

    @Override
    public synchronized LlamaServerClient client() {
        return state == BackendState.READY && run != null ? run.client : null;
    }

    @Override
    public int slots() {
        return settings.parallelSlots();
    }

    @Override
    public synchronized BackendStatus status() {
        Long pid = run != null && run.process.isAlive() ? run.process.pid() : null;
        return new BackendStatus(name(), state, detail, since, activeStreams(), slots(), pid, restarts, log.lines(),
                settings.modelSummary());
    }

    /** Nothing to learn: the supervisor watches the process itself and notices a crash within milliseconds. */
    @Override
    protected void failed(LlamaException error) {
    }

    /** Nothing to learn, as with {@link #failed}. */
    @Override
    protected void answered() {
    }
}

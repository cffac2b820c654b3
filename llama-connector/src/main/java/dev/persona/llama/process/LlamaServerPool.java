package dev.persona.llama.process;

import dev.persona.llama.BackendState;
import dev.persona.llama.BackendStatus;
import dev.persona.llama.backend.BackendGroup;
import dev.persona.llama.backend.LlamaGateway;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The local llama-server processes: {@link #start()} ends the strays an earlier run left (pid files), then starts
 * one supervised {@link LlamaProcess} per configured process; {@link #stop()} stops them all in parallel. With no
 * model configured the pool has no processes and says so to every caller.
 */
public final class LlamaServerPool implements BackendGroup {

    private static final Logger LOG = Logger.getLogger(LlamaServerPool.class.getName());
    /** Pause between checks in {@link #awaitReady}. */
    private static final Duration READY_POLL_INTERVAL = Duration.ofMillis(20);

    private final LlamaServerSettings settings;
    private final List<LlamaProcess> processes;
    private boolean started;

    /**
     * @param tasks runs each process's supervisor and log reader (two long-running tasks per process)
     * @param http  the client for health checks and requests, from
     *              {@link dev.persona.llama.http.LlamaServerClient#newHttpClient()}
     */
    public LlamaServerPool(LlamaServerSettings settings, BackgroundTasks tasks, HttpClient http) {
        this.settings = settings;
        List<LlamaProcess> created = new ArrayList<>();
        if (settings.enabled()) {
            PortAllocator ports = new PortAllocator(settings.ports());
            for (int number = 1; number <= settings.processes(); number++) {
                created.add(new LlamaProcess(number, settings, ports, tasks, http));
            }
        }
        this.processes = List.copyOf(created);
    }

    /**
     * Ends strays, then starts the processes; returns at once, while they load the model.
     *
     * @throws IOException if the data directory cannot be searched for pid files
     * @throws java.util.concurrent.RejectedExecutionException if the supervisor tasks cannot be started
     */
    public synchronized void start() throws IOException {
        if (started) {
            throw new IllegalStateException("the pool was already started");
        }
        started = true;
        int strays = PidFile.endStrays(settings.dataDirectory(), settings.stopTimeout());
        if (strays > 0) {
            LOG.warning("Ended " + strays + " llama-server process(es) left by an earlier run");
        }
        if (!settings.enabled()) {
            LOG.info("No model is configured (modelFile), so no local llama-server is started");
            return;
        }
        LOG.info("Starting " + processes.size() + " llama-server process(es) with " + settings.model() + " ("
                + settings.parallelSlots() + " slots each, ports " + settings.ports() + ", data in "
                + settings.dataDirectory() + ")");
        try {
            for (LlamaProcess process : processes) {
                process.start();
            }
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    /** Stops every process (SIGTERM, SIGKILL after the stop timeout) and waits until they are gone. */
    public void stop() {
        processes.forEach(LlamaProcess::requestStop);
        Duration limit = settings.stopTimeout().plusSeconds(10);
        try {
            for (LlamaProcess process : processes) {
                if (!process.awaitStopped(limit)) {
                    LOG.warning(process.name() + " did not stop within " + limit.toSeconds() + " s");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warning("Interrupted while stopping the llama-server processes");
        }
    }

    /** Waits until every process is ready; returns whether they all became ready within {@code timeout}. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            if (!processes.isEmpty() && processes.stream().allMatch(LlamaProcess::isReady)) {
                return true;
            }
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
            Thread.sleep(READY_POLL_INTERVAL.toMillis());
        }
    }

    @Override
    public List<LlamaProcess> backends() {
        return processes;
    }

    @Override
    public String unavailableReason() {
        if (!settings.enabled()) {
            return "No local llama-server runs because no model is configured: set the resource adapter's"
                    + " modelFile to a GGUF model file, or point the connection factory's backendUrls at external"
                    + " servers.";
        }
        List<BackendStatus> statuses = new ArrayList<>();
        processes.forEach(process -> statuses.add(process.status()));
        boolean loading = statuses.stream().anyMatch(status -> status.state() == BackendState.STARTING
                || status.state() == BackendState.LOADING_MODEL);
        return "No llama-server process is ready: " + LlamaGateway.describe(statuses) + "."
                + (loading ? " Try again when the model has loaded." : " See the log in " + settings.dataDirectory()
                + " for why.");
    }
}

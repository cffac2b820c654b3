package dev.persona.llama.ra;

import dev.persona.llama.LlamaException;
import dev.persona.llama.PoolSettings;
import dev.persona.llama.backend.LlamaGateway;
import dev.persona.llama.http.LlamaServerClient;
import dev.persona.llama.process.LlamaServerPool;
import dev.persona.llama.process.LlamaServerSettings;
import dev.persona.settings.InvalidSettingException;

import jakarta.resource.NotSupportedException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.Connector;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterInternalException;
import jakarta.resource.spi.TransactionSupport;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Logger;

import javax.transaction.xa.XAResource;

/**
 * The resource adapter: {@link #start} checks the settings and starts the pool of llama-server processes through
 * the container's WorkManager; {@link #stop} stops them, so that no llama-server outlives an undeploy. Every
 * setting is a configuration property; {@code META-INF/ironjacamar.xml} maps each to a {@code persona.llama.*}
 * system property. Leaving {@code modelFile} empty runs no local process (for external servers only).
 */
@Connector(
        displayName = "Persona llama connector",
        description = "Runs llama.cpp's llama-server processes and streams chat completions from them, or from"
                + " external OpenAI-compatible servers",
        vendorName = "Persona",
        eisType = "llama.cpp llama-server",
        version = "0.1",
        transactionSupport = TransactionSupport.TransactionSupportLevel.NoTransaction,
        reauthenticationSupport = false)
public class LlamaResourceAdapter implements ResourceAdapter {

    private static final Logger LOG = Logger.getLogger(LlamaResourceAdapter.class.getName());

    @ConfigProperty(description = "Path of the llama-server executable. Empty: the newest build of"
            + " scripts/build-llama-server.sh in ~/.cache/persona (or $PERSONA_CACHE), else llama-server on the PATH.")
    private String serverBinary = "";

    @ConfigProperty(description = "The GGUF model file the processes serve; a relative name is looked up in the"
            + " models folder of the Persona data directory. Empty: no local process runs.")
    private String modelFile = "";

    @ConfigProperty(defaultValue = "" + LlamaServerSettings.DEFAULT_CONTEXT_SIZE, description = "Context size in"
            + " tokens per process (-c), shared by its parallel slots; 0 takes the model's own.")
    private Integer contextSize = LlamaServerSettings.DEFAULT_CONTEXT_SIZE;

    @ConfigProperty(defaultValue = LlamaServerSettings.DEFAULT_GPU_LAYERS, description = "Layers to offload to"
            + " the GPU (-ngl): a number, 'all', or 'auto' to let llama-server decide.")
    private String gpuLayers = LlamaServerSettings.DEFAULT_GPU_LAYERS;

    @ConfigProperty(defaultValue = "" + LlamaServerSettings.DEFAULT_PARALLEL_SLOTS, description = "Parallel slots"
            + " per process (-np): requests one process computes at once.")
    private Integer parallelSlots = LlamaServerSettings.DEFAULT_PARALLEL_SLOTS;

    @ConfigProperty(defaultValue = "" + LlamaServerSettings.DEFAULT_THREADS, description = "CPU threads per process"
            + " (-t); 0 lets llama-server decide.")
    private Integer threads = LlamaServerSettings.DEFAULT_THREADS;

    @ConfigProperty(defaultValue = "" + LlamaServerSettings.DEFAULT_PROCESSES, description = "Number of"
            + " llama-server processes; requests go to the least busy.")
    private Integer processes = LlamaServerSettings.DEFAULT_PROCESSES;

    @ConfigProperty(defaultValue = LlamaServerSettings.DEFAULT_PORT_RANGE, description = "Ports the processes may"
            + " listen on, on 127.0.0.1 only: FIRST-LAST or one port; at least one per process.")
    private String portRange = LlamaServerSettings.DEFAULT_PORT_RANGE;

    @ConfigProperty(description = "Further llama-server flags, split like shell words, e.g. '--flash-attn on"
            + " --cache-type-k q8_0'. Flags the connector sets (host, port, API key, model, slots, ...) are refused.")
    private String extraArguments = "";

    @ConfigProperty(defaultValue = "" + LlamaServerSettings.DEFAULT_STARTUP_TIMEOUT_SECONDS, description = "Seconds"
            + " a process may take until /health answers 200 (loading a large model takes a while).")
    private Integer startupTimeoutSeconds = LlamaServerSettings.DEFAULT_STARTUP_TIMEOUT_SECONDS;

    @ConfigProperty(defaultValue = "" + LlamaServerSettings.DEFAULT_STOP_TIMEOUT_SECONDS, description = "Seconds a"
            + " process may take to exit after SIGTERM before it is killed.")
    private Integer stopTimeoutSeconds = LlamaServerSettings.DEFAULT_STOP_TIMEOUT_SECONDS;

    @ConfigProperty(defaultValue = "" + LlamaServerSettings.DEFAULT_RESTART_DELAY_MILLIS, description = "Milliseconds"
            + " to wait before restarting a process that died; doubles with each consecutive failure.")
    private Long restartDelayMillis = LlamaServerSettings.DEFAULT_RESTART_DELAY_MILLIS;

    @ConfigProperty(defaultValue = "" + LlamaServerSettings.DEFAULT_MAX_RESTART_DELAY_MILLIS, description = "The"
            + " longest restart delay in milliseconds; a process that stayed up this long starts over at"
            + " restartDelayMillis.")
    private Long maxRestartDelayMillis = LlamaServerSettings.DEFAULT_MAX_RESTART_DELAY_MILLIS;

    @ConfigProperty(description = "Folder for the pid files and logs of the processes. Empty: llama/ in the"
            + " Persona data directory (system property persona.data.dir, default ~/.persona).")
    private String dataDirectory = "";

    @ConfigProperty(defaultValue = "" + LlamaServerSettings.DEFAULT_LOG_LINES, description = "Lines of each"
            + " process's output kept for the console.")
    private Integer logLines = LlamaServerSettings.DEFAULT_LOG_LINES;

    private volatile RestartablePool pool;
    private volatile LlamaGateway localGateway;
    private volatile HttpClient http;
    /** How long {@link #stop} waits for the pool's tasks to return once their processes stopped. */
    private static final Duration TASKS_RETURN_WITHIN = Duration.ofSeconds(10);
    /** The container's work manager, running the pool's tasks; null while stopped. */
    private volatile WorkManagerTasks tasks;
    /** What {@link #restartPool} set instead of the configured model and sizes; null: the configuration. */
    private volatile PoolSettings poolOverride;
    /** Where {@link #restartPool} keeps its change for the next start. */
    private volatile SavedPoolSettings savedSettings;

    /**
     * Checks the settings, ends strays of an earlier run and starts the processes (without waiting for them to
     * load the model).
     *
     * @throws ResourceAdapterInternalException naming the setting that is wrong, or why the pool cannot start
     */
    @Override
    public void start(BootstrapContext context) throws ResourceAdapterInternalException {
        SavedPoolSettings saved = new SavedPoolSettings(LlamaServerSettings.connectorFolder(dataDirectory));
        PoolSettings chosen = savedChoice(saved);
        LlamaServerSettings settings;
        try {
            settings = settings(chosen);
        } catch (InvalidSettingException e) {
            if (chosen == null) {
                throw new ResourceAdapterInternalException("The llama connector cannot start. " + e.getMessage());
            }
            LOG.warning("The llama-server pool chosen in the console (" + chosen + ") cannot start any more: "
                    + e.getMessage() + " The deployed configuration runs instead.");
            forget(saved);
            chosen = null;
            try {
                settings = settings(null);
            } catch (InvalidSettingException configured) {
                throw new ResourceAdapterInternalException("The llama connector cannot start. "
                        + configured.getMessage());
            }
        }
        HttpClient client = LlamaServerClient.newHttpClient();
        WorkManagerTasks started = new WorkManagerTasks(context);
        LlamaServerPool newPool = new LlamaServerPool(settings, started, client);
        try {
            newPool.start();
        } catch (IOException | RejectedExecutionException e) {
            throw new ResourceAdapterInternalException("The llama connector cannot start its llama-server pool: "
                    + e.getMessage(), e);
        }
        http = client;
        tasks = started;
        savedSettings = saved;
        poolOverride = chosen;
        pool = new RestartablePool(newPool);
        localGateway = new LlamaGateway(pool);
        if (settings.enabled()) {
            LOG.info("llama connector started: " + settings.processes() + " x " + settings.binary() + " serving "
                    + settings.modelSummary());
        }
    }

    /**
     * The choice an owner made in the console before the last stop, if it was made over the configuration deployed
     * now; null otherwise.
     */
    private PoolSettings savedChoice(SavedPoolSettings saved) {
        PoolSettings configured = configuredPoolSettings();
        try {
            Optional<PoolSettings> chosen = saved.choiceOver(configured);
            if (chosen.isPresent()) {
                LOG.info("Starting the llama-server pool chosen in the console: " + chosen.get() + " (kept in "
                        + saved.file() + ")");
                return chosen.get();
            }
            if (Files.exists(saved.file())) {
                LOG.info("The deployed llama configuration changed since a pool was chosen in the console; the"
                        + " configuration runs, and " + saved.file() + " is removed.");
                forget(saved);
            }
        } catch (IOException e) {
            LOG.warning("The llama-server pool chosen in the console cannot be read (" + e.getMessage() + "); the"
                    + " deployed configuration runs instead.");
        }
        return null;
    }

    private static void forget(SavedPoolSettings saved) {
        try {
            saved.forget();
        } catch (IOException e) {
            LOG.warning("Cannot remove " + saved.file() + ": " + e);
        }
    }

    private PoolSettings configuredPoolSettings() {
        return new PoolSettings(modelFile, contextSize, parallelSlots, gpuLayers, processes);
    }

    /** The checked settings. */
    LlamaServerSettings settings() {
        return settings(poolOverride);
    }

    private LlamaServerSettings settings(PoolSettings override) {
        return LlamaServerSettings.builder()
                .serverBinary(serverBinary)
                .modelFile(override != null ? override.modelFile() : modelFile)
                .contextSize(override != null ? override.contextSize() : contextSize)
                .gpuLayers(override != null ? override.gpuLayers() : gpuLayers)
                .parallelSlots(override != null ? override.parallelSlots() : parallelSlots)
                .threads(threads)
                .processes(override != null ? override.processes() : processes)
                .portRange(portRange)
                .extraArguments(extraArguments)
                .startupTimeoutSeconds(startupTimeoutSeconds)
                .stopTimeoutSeconds(stopTimeoutSeconds)
                .restartDelayMillis(restartDelayMillis)
                .maxRestartDelayMillis(maxRestartDelayMillis)
                .dataDirectory(dataDirectory)
                .logLines(logLines)
                .build();
    }

    /** The model and sizes the pool runs with now. */
    PoolSettings poolSettings() {
        PoolSettings override = poolOverride;
        return override != null ? override : configuredPoolSettings();
    }

    /**
     * Restarts the local processes with {@code changes} (see {@link dev.persona.llama.LlamaConnection#restartPool}).
     * The adapter's configuration properties stay as deployed; the change is saved in the connector's folder and
     * outlasts a restart of the adapter until the deployed configuration changes ({@link SavedPoolSettings}).
     */
    synchronized void restartPool(PoolSettings changes) throws LlamaException {
        RestartablePool current = pool;
        WorkManagerTasks work = tasks;
        HttpClient client = http;
        if (current == null || work == null || client == null) {
            throw new LlamaException("The llama resource adapter is not started; check the server log for why it"
                    + " failed to start");
        }
        LlamaServerSettings settings;
        try {
            settings = settings(changes);
        } catch (InvalidSettingException e) {
            throw new LlamaException("The pool was not restarted: " + e.getMessage());
        }
        LOG.info("Restarting the llama-server pool: " + settings.processes() + " x " + settings.modelSummary()
                + ", " + settings.parallelSlots() + " slots, context " + settings.contextSize());
        try {
            current.replace(new LlamaServerPool(settings, work, client));
        } catch (IOException | RejectedExecutionException e) {
            throw new LlamaException("The llama-server pool could not start again: " + e.getMessage(), e);
        }
        poolOverride = changes;
        SavedPoolSettings saved = savedSettings;
        try {
            if (changes.equals(configuredPoolSettings())) {
                saved.forget();
            } else {
                saved.save(configuredPoolSettings(), changes);
            }
        } catch (IOException e) {
            LOG.warning("The new llama-server pool runs, but it could not be kept for the next start: " + e);
        }
    }

    /** Stops every llama-server process and waits until they are gone and the tasks that watched them returned. */
    @Override
    public void stop() {
        RestartablePool current = pool;
        WorkManagerTasks work = tasks;
        pool = null;
        localGateway = null;
        http = null;
        tasks = null;
        if (current != null) {
            current.current().stop();
            try {
                if (!work.awaitReturned(TASKS_RETURN_WITHIN)) {
                    LOG.warning("A llama-server task was still running " + TASKS_RETURN_WITHIN.toSeconds()
                            + " s after its process stopped; the server may log an error of its thread pool.");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            LOG.info("llama connector stopped");
        }
    }

    /** The gateway to the local processes. */
    LlamaGateway localGateway() throws LlamaException {
        LlamaGateway gateway = localGateway;
        if (gateway == null) {
            throw new LlamaException("The llama resource adapter is not started; check the server log for why it"
                    + " failed to start");
        }
        return gateway;
    }

    /** The HTTP client every backend of this adapter uses. */
    HttpClient httpClient() throws LlamaException {
        HttpClient client = http;
        if (client == null) {
            throw new LlamaException("The llama resource adapter is not started; check the server log for why it"
                    + " failed to start");
        }
        return client;
    }

    @Override
    public void endpointActivation(MessageEndpointFactory factory, ActivationSpec spec) throws ResourceException {
        throw new NotSupportedException("The llama connector has no inbound messaging");
    }

    @Override
    public void endpointDeactivation(MessageEndpointFactory factory, ActivationSpec spec) {
        // nothing was activated
    }

    /** {@code null}: the adapter takes part in no transaction. */
    @Override
    public XAResource[] getXAResources(ActivationSpec[] specs) {
        return null;
    }

    public String getServerBinary() {
        return serverBinary;
    }

    public void setServerBinary(String serverBinary) {
        this.serverBinary = serverBinary;
    }

    public String getModelFile() {
        return modelFile;
    }

    public void setModelFile(String modelFile) {
        this.modelFile = modelFile;
    }

    public Integer getContextSize() {
        return contextSize;
    }

    public void setContextSize(Integer contextSize) {
        this.contextSize = contextSize;
    }

    public String getGpuLayers() {
        return gpuLayers;
    }

    public void setGpuLayers(String gpuLayers) {
        this.gpuLayers = gpuLayers;
    }

    public Integer getParallelSlots() {
        return parallelSlots;
    }

    public void setParallelSlots(Integer parallelSlots) {
        this.parallelSlots = parallelSlots;
    }

    public Integer getThreads() {
        return threads;
    }

    public void setThreads(Integer threads) {
        this.threads = threads;
    }

    public Integer getProcesses() {
        return processes;
    }

    public void setProcesses(Integer processes) {
        this.processes = processes;
    }

    public String getPortRange() {
        return portRange;
    }

    public void setPortRange(String portRange) {
        this.portRange = portRange;
    }

    public String getExtraArguments() {
        return extraArguments;
    }

    public void setExtraArguments(String extraArguments) {
        this.extraArguments = extraArguments;
    }

    public Integer getStartupTimeoutSeconds() {
        return startupTimeoutSeconds;
    }

    public void setStartupTimeoutSeconds(Integer startupTimeoutSeconds) {
        this.startupTimeoutSeconds = startupTimeoutSeconds;
    }

    public Integer getStopTimeoutSeconds() {
        return stopTimeoutSeconds;
    }

    public void setStopTimeoutSeconds(Integer stopTimeoutSeconds) {
        this.stopTimeoutSeconds = stopTimeoutSeconds;
    }

    public Long getRestartDelayMillis() {
        return restartDelayMillis;
    }

    public void setRestartDelayMillis(Long restartDelayMillis) {
        this.restartDelayMillis = restartDelayMillis;
    }

    public Long getMaxRestartDelayMillis() {
        return maxRestartDelayMillis;
    }

    public void setMaxRestartDelayMillis(Long maxRestartDelayMillis) {
        this.maxRestartDelayMillis = maxRestartDelayMillis;
    }

    public String getDataDirectory() {
        return dataDirectory;
    }

    public void setDataDirectory(String dataDirectory) {
        this.dataDirectory = dataDirectory;
    }

    public Integer getLogLines() {
        return logLines;
    }

    public void setLogLines(Integer logLines) {
        this.logLines = logLines;
    }

    private List<Object> configuration() {
        return Arrays.asList(serverBinary, modelFile, contextSize, gpuLayers, parallelSlots, threads, processes,
                portRange, extraArguments, startupTimeoutSeconds, stopTimeoutSeconds, restartDelayMillis,
                maxRestartDelayMillis, dataDirectory, logLines);
    }

    /** Two adapters are equal when configured alike, as the connector specification asks of adapter JavaBeans. */
    @Override
    public boolean equals(Object other) {
        return other instanceof LlamaResourceAdapter that && configuration().equals(that.configuration());
    }

    @Override
    public int hashCode() {
        return Objects.hash(configuration().toArray());
    }
}

package dev.persona.llama.process;

import dev.persona.llama.ModelSummary;
import dev.persona.models.gguf.GgufFile;
import dev.persona.models.gguf.GgufFormatException;
import dev.persona.models.gguf.GgufReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.persona.settings.InvalidSettingException;
import dev.persona.settings.Setting;

/**
 * The checked settings of the local process pool. {@link Builder#build()} validates every value, reads the model
 * file's GGUF header and runs the binary's {@code --version}, so that a wrong setting fails at deployment with a
 * message naming it ({@link InvalidSettingException}), instead of as a crash loop later. Each setting is defined
 * once below ({@link Setting}: its {@code persona.llama.*} name, default and range); the resource adapter's
 * configuration properties carry the same values, and {@code ironjacamar.xml} maps the names onto them.
 *
 * @param binary          the llama-server executable
 * @param model           the GGUF file to serve, or {@code null} when none is configured (the pool stays empty)
 * @param modelSummary    what the model file's header says, or {@code null}
 * @param contextSize     {@code -c}: context tokens per process, shared by its slots; 0 = the model's own
 * @param gpuLayers       {@code -ngl}: a number, {@code all}, or {@code auto} (llama-server decides)
 * @param parallelSlots   {@code -np}: requests one process computes at once
 * @param threads         {@code -t}: CPU threads per process; 0 = llama-server decides
 * @param processes       how many llama-server processes to run
 * @param ports           the ports they may listen on (127.0.0.1 only)
 * @param extraArguments  further llama-server flags
 * @param startupTimeout  how long a process may take to answer {@code /health} with 200
 * @param stopTimeout     how long a process may take to exit after SIGTERM before it is killed
 * @param restartDelay    wait before the first restart of a process that died
 * @param maxRestartDelay the longest wait, reached by doubling after consecutive failures
 * @param dataDirectory   where pid files and logs go
 * @param logLines        lines of each process's output kept for display
 */
public record LlamaServerSettings(Path binary, Path model, ModelSummary modelSummary, int contextSize,
                                  String gpuLayers, int parallelSlots, int threads, int processes, PortRange ports,
                                  List<String> extraArguments, Duration startupTimeout, Duration stopTimeout,
                                  Duration restartDelay, Duration maxRestartDelay, Path dataDirectory,
                                  int logLines) {

    /** System property with the Persona data directory (the launcher sets it); default {@code ~/.persona}. */
    public static final String PERSONA_DATA_DIR_PROPERTY = "persona.data.dir";

    public static final int DEFAULT_CONTEXT_SIZE = 4096;
    public static final String DEFAULT_GPU_LAYERS = "auto";
    public static final int DEFAULT_PARALLEL_SLOTS = 4;
    public static final int DEFAULT_THREADS = 0;
    public static final int DEFAULT_PROCESSES = 1;
    public static final String DEFAULT_PORT_RANGE = "39100-39199";
    public static final int DEFAULT_STARTUP_TIMEOUT_SECONDS = 300;
    public static final int DEFAULT_STOP_TIMEOUT_SECONDS = 10;
    public static final long DEFAULT_RESTART_DELAY_MILLIS = 1000;
    public static final long DEFAULT_MAX_RESTART_DELAY_MILLIS = 60_000;
    public static final int DEFAULT_LOG_LINES = 200;

    public static final Setting<String> SERVER_BINARY = Setting.text("persona.llama.server", null);
    public static final Setting<String> MODEL_FILE = Setting.text("persona.llama.model", null);
    public static final Setting<Integer> CONTEXT_SIZE = Setting.integer("persona.llama.context.size",
            DEFAULT_CONTEXT_SIZE, 0, 16 << 20);
    public static final Setting<String> GPU_LAYERS = Setting.parsed("persona.llama.gpu.layers", DEFAULT_GPU_LAYERS,
            "a number of layers, all or auto",
            text -> text.equals("auto") || text.equals("all") || text.matches("\\d{1,4}") ? text : null);
    public static final Setting<Integer> PARALLEL_SLOTS = Setting.integer("persona.llama.parallel.slots",
            DEFAULT_PARALLEL_SLOTS, 1, 256);
    public static final Setting<Integer> THREADS = Setting.integer("persona.llama.threads", DEFAULT_THREADS, 0, 4096);
    public static final Setting<Integer> PROCESSES = Setting.integer("persona.llama.processes", DEFAULT_PROCESSES, 1,
            64);
    public static final Setting<PortRange> PORT_RANGE = Setting.parsed("persona.llama.port.range",
            PortRange.parse(DEFAULT_PORT_RANGE), "FIRST-LAST or one port, from 1024 to 65535, e.g. "
                    + DEFAULT_PORT_RANGE, PortRange::parseOrNull);
    public static final Setting<String> EXTRA_ARGUMENTS = Setting.text("persona.llama.extra.arguments", "");
    public static final Setting<Integer> STARTUP_TIMEOUT_SECONDS = Setting.integer(
            "persona.llama.startup.timeout.seconds", DEFAULT_STARTUP_TIMEOUT_SECONDS, 1, 86_400);
    public static final Setting<Integer> STOP_TIMEOUT_SECONDS = Setting.integer("persona.llama.stop.timeout.seconds",
            DEFAULT_STOP_TIMEOUT_SECONDS, 1, 3600);
    public static final Setting<Long> RESTART_DELAY_MILLIS = Setting.wholeNumber("persona.llama.restart.delay.millis",
            DEFAULT_RESTART_DELAY_MILLIS, 0, 3_600_000);
    public static final Setting<Long> MAX_RESTART_DELAY_MILLIS = Setting.wholeNumber(
            "persona.llama.max.restart.delay.millis", DEFAULT_MAX_RESTART_DELAY_MILLIS, 0, 86_400_000);
    public static final Setting<String> DATA_DIR = Setting.text("persona.llama.data.dir", null);
    public static final Setting<Integer> LOG_LINES = Setting.integer("persona.llama.log.lines", DEFAULT_LOG_LINES, 1,
            100_000);

    public LlamaServerSettings {
        extraArguments = List.copyOf(extraArguments);
    }

    /** Whether a model is configured, i.e. whether the pool runs processes at all. */
    public boolean enabled() {
        return model != null;
    }

    /**
     * The command that starts one server on {@code port}: the settings as flags, plus {@code --jinja} (the model's
     * chat template formats the prompt), {@code --metrics} and no web UI. The API key is not on the command line,
     * where every user of the machine could read it, but in the {@code LLAMA_API_KEY} environment variable.
     */
    public List<String> command(int port) {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "-m", model.toString(),
                "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--jinja", "--metrics", "--no-webui", "-np", Integer.toString(parallelSlots),
                "-c", Integer.toString(contextSize)));
        if (!gpuLayers.equals(DEFAULT_GPU_LAYERS)) {
            command.addAll(List.of("-ngl", gpuLayers));
        }
        if (threads > 0) {
            command.addAll(List.of("-t", Integer.toString(threads)));
        }
        command.addAll(extraArguments);
        return command;
    }

    /** The Persona data directory: {@code persona.data.dir}, else {@code ~/.persona}. */
    static Path personaDataDirectory() {
        String configured = System.getProperty(PERSONA_DATA_DIR_PROPERTY, "");
        return configured.isBlank() ? Path.of(System.getProperty("user.home"), ".persona") : Path.of(configured);
    }

    /**
     * The connector's folder for pid files and logs as {@code configured} names it (blank: {@code llama/} in the
     * Persona data directory), absolute, not yet created or checked.
     */
    public static Path connectorFolder(String configured) {
        Path directory = configured == null || configured.isBlank()
                ? personaDataDirectory().resolve("llama") : Path.of(configured.strip());
        return directory.toAbsolutePath().normalize();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Takes the raw setting values (as configured; {@code null} or blank means the default) and checks them.
     */
    public static final class Builder {

        private String serverBinary;
        private String modelFile;
        private Integer contextSize;
        private String gpuLayers;
        private Integer parallelSlots;
        private Integer threads;
        private Integer processes;
        private String portRange;
        private String extraArguments;
        private Integer startupTimeoutSeconds;
        private Integer stopTimeoutSeconds;
        private Long restartDelayMillis;
        private Long maxRestartDelayMillis;
        private String dataDirectory;
        private Integer logLines;

        private Builder() {
        }

        public Builder serverBinary(String value) {
            serverBinary = value;
            return this;
        }

        public Builder modelFile(String value) {
            modelFile = value;
            return this;
        }

        public Builder contextSize(Integer value) {
            contextSize = value;
            return this;
        }

        public Builder gpuLayers(String value) {
            gpuLayers = value;
            return this;
        }

        public Builder parallelSlots(Integer value) {
            parallelSlots = value;
            return this;
        }

        public Builder threads(Integer value) {
            threads = value;
            return this;
        }

        public Builder processes(Integer value) {
            processes = value;
            return this;
        }

        public Builder portRange(String value) {
            portRange = value;
            return this;
        }

        public Builder extraArguments(String value) {
            extraArguments = value;
            return this;
        }

        public Builder startupTimeoutSeconds(Integer value) {
            startupTimeoutSeconds = value;
            return this;
        }

        public Builder stopTimeoutSeconds(Integer value) {
            stopTimeoutSeconds = value;
            return this;
        }

        public Builder restartDelayMillis(Long value) {
            restartDelayMillis = value;
            return this;
        }

        public Builder maxRestartDelayMillis(Long value) {
            maxRestartDelayMillis = value;
            return this;
        }

        public Builder dataDirectory(String value) {
            dataDirectory = value;
            return this;
        }

        public Builder logLines(Integer value) {
            logLines = value;
            return this;
        }

        /**
         * Checks every value. With no model configured, the binary is not needed and not looked for.
         *
         * @throws InvalidSettingException naming the first wrong setting and what it accepts
         */
        public LlamaServerSettings build() {
            int context = CONTEXT_SIZE.require(contextSize);
            int slots = PARALLEL_SLOTS.require(parallelSlots);
            int threadCount = THREADS.require(threads);
            int processCount = PROCESSES.require(processes);
            String layers = gpuLayers == null || gpuLayers.isBlank() ? GPU_LAYERS.defaultValue()
                    : GPU_LAYERS.parse(gpuLayers);
            PortRange ports = ports(processCount);
            List<String> extra = ExtraArguments.parse(extraArguments == null ? "" : extraArguments);
            Duration startup = Duration.ofSeconds(STARTUP_TIMEOUT_SECONDS.require(startupTimeoutSeconds));
            Duration stop = Duration.ofSeconds(STOP_TIMEOUT_SECONDS.require(stopTimeoutSeconds));
            long firstDelay = RESTART_DELAY_MILLIS.require(restartDelayMillis);
            long maxDelay = MAX_RESTART_DELAY_MILLIS.require(maxRestartDelayMillis);
            if (maxDelay < firstDelay) {
                throw MAX_RESTART_DELAY_MILLIS.invalid(maxDelay, "at least " + RESTART_DELAY_MILLIS.environmentName()
                        + " (" + firstDelay + ")");
            }
            int lines = LOG_LINES.require(logLines);
            Path data = dataDirectory();
            Path model = modelFile();
            ModelSummary summary = null;
            Path binary = null;
            if (model != null) {
                summary = readModel(model);
                binary = ServerBinary.resolve(serverBinary);
            }
            return new LlamaServerSettings(binary, model, summary, context, layers, slots, threadCount, processCount,
                    ports, extra, startup, stop, Duration.ofMillis(firstDelay), Duration.ofMillis(maxDelay), data,
                    lines);
        }

        private PortRange ports(int processCount) {
            PortRange range = portRange == null || portRange.isBlank() ? PORT_RANGE.defaultValue()
                    : PORT_RANGE.parse(portRange);
            if (range.size() < processCount) {
                throw PORT_RANGE.invalid(range, "at least one port per process (" + PROCESSES.environmentName()
                        + " = " + processCount + ")");
            }
            return range;
        }

        private Path dataDirectory() {
            Path directory = connectorFolder(dataDirectory);
            try {
                Files.createDirectories(directory);
            } catch (IOException e) {
                throw DATA_DIR.invalid(directory, "a folder this user can create and write (" + e + ")");
            }
            if (!Files.isWritable(directory)) {
                throw DATA_DIR.invalid(directory, "a folder this user can write");
            }
            return directory;
        }

        /** The model file, relative names taken from the Persona data directory's {@code models} folder. */
        private Path modelFile() {
            if (modelFile == null || modelFile.isBlank()) {
                return null;
            }
            Path path = Path.of(modelFile.strip());
            if (!path.isAbsolute()) {
                path = personaDataDirectory().resolve("models").resolve(path);
            }
            path = path.toAbsolutePath().normalize();
            if (!Files.exists(path)) {
                throw MODEL_FILE.invalid(path, "the path of an existing GGUF model file (a relative name is looked"
                        + " up in " + personaDataDirectory().resolve("models") + ")");
            }
            if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                throw MODEL_FILE.invalid(path, "a readable file");
            }
            return path;
        }

        private static ModelSummary readModel(Path path) {
            GgufFile file;
            try {
                file = new GgufReader().read(path);
            } catch (GgufFormatException e) {
                throw MODEL_FILE.invalid(path, "a usable GGUF model file, made for llama.cpp; this one is not: "
                        + e.reason() + " (at byte " + e.offset() + "). Download the model again");
            } catch (IOException e) {
                throw MODEL_FILE.invalid(path, "a file this user can read (" + e + ")");
            }
            if (file.tensorCount() == 0) {
                throw MODEL_FILE.invalid(path, "a model file; this one has no tensors: it is a vocabulary-only GGUF"
                        + " file");
            }
            return new ModelSummary(path.toString(), file.fileSize(), file.name().orElse(null),
                    file.architecture().orElse(null), file.parameterCount(),
                    file.contextLength().isPresent() ? file.contextLength().getAsLong() : null,
                    file.fileTypeName().orElse(null));
        }
    }
}

package dev.persona.host.models;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.logging.Logger;

import dev.persona.host.config.HostConfiguration;
import dev.persona.host.pool.LlamaPool;
import dev.persona.models.HubDownload;
import dev.persona.models.MemoryEstimate;
import dev.persona.models.ModelCatalog;
import dev.persona.models.ModelInfo;
import dev.persona.models.ModelUpload;
import dev.persona.models.gguf.GgufReader;
import dev.persona.server.ConfiguredSettings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The models folder and the pool's model, the one home of their rules: scanning the folder, adding a file by path,
 * storing an upload's stream, downloading from the hub ({@code PERSONA_HUB_URL}, {@code PERSONA_HUB_TOKEN}) and
 * applying a model to the llama pool. Uploads and downloads end in the same place with the same checks
 * ({@link ModelUpload}'s). The token is passed to the download and never logged or shown. It answers in records of
 * its own ({@link Folder}, {@link Stored}, {@link RefusedException}), so its callers need not know the models module.
 */
@ApplicationScoped
public class ModelLibrary {

    private static final Logger LOG = Logger.getLogger(ModelLibrary.class.getName());

    /**
     * A GGUF file of the folder with what its header says.
     *
     * @param quantization the file type, e.g. {@code Q8_0}
     * @param chatTemplate whether the file brings a chat template
     */
    public record Model(String fileName, String name, String architecture, long parameterCount, Long contextLength,
                        String quantization, long fileSize, boolean chatTemplate) {

        static Model of(ModelInfo info) {
            return new Model(info.fileName(), info.name(), info.architecture(), info.parameterCount(),
                    info.contextLength(), info.fileType(), info.fileSize(), info.chatTemplate() != null);
        }
    }

    /** The folder's models, and its files that could not be read, each as "file name: reason". */
    public record Folder(List<Model> models, List<String> unreadable) {
    }

    /** A model that arrived whole and was moved into place. */
    public record Stored(String fileName, long size, String sha256) {
    }

    /** Why a file was refused (those of {@link ModelUpload.Refusal}). */
    public enum Refusal { BAD_NAME, EXISTS, NO_LENGTH, NO_SPACE, NOT_GGUF }

    /** A file refused for {@link #refusal()}; nothing of it is left in the folder. The message says why. */
    public static final class RefusedException extends IOException {

        private static final long serialVersionUID = 1L;
        private final Refusal refusal;

        RefusedException(ModelUpload.RefusedException cause) {
            super(cause.getMessage(), cause);
            this.refusal = switch (cause.refusal()) {
                case BAD_NAME -> Refusal.BAD_NAME;
                case EXISTS -> Refusal.EXISTS;
                case NO_LENGTH -> Refusal.NO_LENGTH;
                case NO_SPACE -> Refusal.NO_SPACE;
                case NOT_GGUF -> Refusal.NOT_GGUF;
            };
        }

        public Refusal refusal() {
            return refusal;
        }
    }

    @Resource
    private ManagedExecutorService executor;

    private final LlamaPool pool;
    private final HostConfiguration configuration;
    private final URI hub;
    private final Optional<String> token;
    private HubDownloads downloads;

    @Inject
    public ModelLibrary(HostConfiguration configuration, ConfiguredSettings settings, LlamaPool pool) {
        this.pool = pool;
        this.configuration = configuration;
        this.hub = settings.get(HubDownload.HUB_URL);
        this.token = HubDownload.HUB_TOKEN.given(settings);
    }

    /** For CDI's client proxy only. */
    protected ModelLibrary() {
        this.pool = null;
        this.configuration = null;
        this.hub = null;
        this.token = Optional.empty();
    }

    @PostConstruct
    void startDownloads() {
        downloads = new HubDownloads((request, listener, cancelled) -> new HubDownload(hub, token, folder())
                .download(request, listener, cancelled), executor);
        LOG.info(() -> "Models come from the hub at " + hub + (token.isPresent() ? " (with an access token)" : "")
                + "; the models folder is " + folder() + ".");
    }

    public Path folder() {
        return configuration.dataDirectory().models();
    }

    public URI hub() {
        return hub;
    }

    /** The models of the folder, and the files that could not be read with the reason. */
    public Folder scan() throws IOException {
        ModelCatalog.Listing listing = new ModelCatalog(folder()).scan();
        return new Folder(listing.models().stream().map(Model::of).toList(), listing.unreadable().stream()
                .map(u -> u.path().getFileName() + ": " + u.reason()).toList());
    }

    /**
     * Links a GGUF file elsewhere on this machine into the folder.
     *
     * @return the name it has in the folder
     * @throws RefusedException when it is not a readable GGUF file, its name is bad or taken
     */
    public String addByPath(String serverPath) throws IOException {
        String name;
        try {
            name = new ModelUpload(folder()).link(Path.of(serverPath == null ? "" : serverPath.strip()));
        } catch (ModelUpload.RefusedException e) {
            throw new RefusedException(e);
        }
        LOG.info(() -> "Added model " + name + " (a link to " + serverPath.strip() + ").");
        return name;
    }

    /** Refuses, before its body is read, an upload that cannot succeed ({@link ModelUpload#check}). */
    public void checkUpload(String name, long declaredLength) throws IOException {
        try {
            new ModelUpload(folder()).check(name, declaredLength);
        } catch (ModelUpload.RefusedException e) {
            throw new RefusedException(e);
        }
    }

    /**
     * Streams an upload into the folder ({@link ModelUpload#receive}); a broken one leaves no file.
     *
     * @throws RefusedException when the checks refuse it; another {@link IOException} when it broke off
     */
    public Stored store(String name, long declaredLength, InputStream body) throws IOException {
        ModelUpload.Received received;
        try {
            received = new ModelUpload(folder()).receive(name, declaredLength, body);
        } catch (ModelUpload.RefusedException e) {
            throw new RefusedException(e);
        } catch (IOException e) {
            LOG.info(() -> "The upload of " + name + " broke off; its partial file was deleted: " + e.getMessage());
            throw e;
        }
        LOG.info(() -> "Uploaded model " + received.fileName() + " (" + received.size() + " bytes, SHA-256 "
                + received.sha256() + ").");
        return new Stored(received.fileName(), received.size(), received.sha256());
    }

    /**
     * Starts downloading a file from the hub into the folder.
     *
     * @return its first status; empty when a download of that file name runs already
     * @throws IllegalArgumentException when the repository, file or revision is not well formed
     */
    public Optional<HubDownloads.Status> download(String repo, String file, String revision) {
        HubDownload.Request request = new HubDownload.Request(repo, file, revision);
        Optional<HubDownloads.Status> started = downloads.start(request, status -> LOG.info(() ->
                "Download of " + status.file() + " from " + status.repo() + ": "
                        + status.stage().name().toLowerCase(Locale.ROOT) + ". " + status.message()));
        started.ifPresent(s -> LOG.info(() -> "Downloading " + file + " from " + repo + " (" + request.revision()
                + ") at " + hub + "."));
        return started;
    }

    public List<HubDownloads.Status> downloads() {
        return downloads.all();
    }

    public boolean cancelDownload(String fileName) {
        return downloads.cancel(fileName);
    }

    /** The GGUF files of a repository on the hub, with their sizes ({@link HubApi}). */
    public List<HubCatalog.HubFile> hubFiles(String repo, String revision) {
        return new HubCatalog(hub, token).ggufFiles(repo, revision);
    }

    /**
     * Whether the folder's {@code fileName} fits into this machine's free memory at these sizes.
     *
     * @return a warning for the owner when it does not (or the estimate cannot be made); empty when it fits
     */
    public Optional<String> fitWarning(String fileName, int contextSize, int processes) {
        MemoryEstimate estimate;
        try {
            estimate = MemoryEstimate.of(new GgufReader().read(folder().resolve(fileName)), contextSize, processes);
        } catch (IOException e) {
            return Optional.of("Cannot read " + fileName + " to estimate its memory: " + e.getMessage());
        }
        OptionalLong free = MemoryEstimate.availableMemory();
        if (free.isEmpty() || estimate.fits(free.getAsLong())) {
            return Optional.empty();
        }
        return Optional.of(fileName + " needs " + estimate.describe(processes) + " at a context of "
                + (contextSize > 0 ? contextSize + " tokens" : "its trained length") + ", but the machine has "
                + String.format(Locale.ROOT, "%.1f GiB", free.getAsLong() / (double) (1L << 30)) + " free:"
                + " llama-server may fail to start or swap. Choose a smaller context, fewer processes or a smaller"
                + " model.");
    }

    /** Restarts the pool with the folder's {@code fileName} and these sizes (kept over a host restart). */
    public void apply(String fileName, int contextSize, int parallelSlots, String gpuLayers, int processes)
            throws LlamaPool.UnavailableException {
        pool.restart(new LlamaPool.Sizes(folder().resolve(fileName).toString(), contextSize, parallelSlots,
                gpuLayers, processes));
        LOG.info(() -> "The pool restarts with " + fileName + " (context " + contextSize + ", " + parallelSlots
                + " slots, " + processes + " processes).");
    }
}

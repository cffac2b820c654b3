package dev.persona.web.console;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.persona.host.models.CuratedModel;
import dev.persona.host.models.HubCatalog;
import dev.persona.host.models.HubDownloads;
import dev.persona.host.models.ModelLibrary;
import dev.persona.host.pool.LlamaPool;
import jakarta.annotation.PostConstruct;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/**
 * Models: the GGUF files of the models folder, adding one by server path (linked into the folder) or by upload
 * ({@link ModelUploadServlet}), and the pool's model and sizes, applied by restarting the llama-server processes.
 * Get a model: the curated list and any repository's GGUF files from the hub, downloads with their progress, and
 * "Use this model" when one is done. Before applying, a model that will not fit into the free memory is warned
 * about. The rules are the {@link ModelLibrary}'s, the pool's state the {@link LlamaPool}'s; this view presents them.
 */
@Named
@ViewScoped
public class ModelsView implements Serializable {

    private static final long serialVersionUID = 1L;

    @Inject
    private ModelLibrary library;

    @Inject
    private LlamaPool pool;

    private List<ModelRow> models = new ArrayList<>();
    private List<String> unreadable = new ArrayList<>();
    private String scanError;
    private String activeModel;
    private String selectedModel;
    private int contextSize;
    private int parallelSlots;
    private String gpuLayers;
    private int processes;
    private String serverPath;
    private boolean restarting;
    private String fitWarning;
    private String hubRepo;
    private String hubFile;
    private String hubRevision;
    private List<HubCatalog.HubFile> hubFiles = new ArrayList<>();

    @PostConstruct
    void load() {
        try {
            LlamaPool.Sizes settings = pool.sizes();
            activeModel = settings.modelFile() == null || settings.modelFile().isBlank() ? null
                    : Path.of(settings.modelFile()).getFileName().toString();
            selectedModel = activeModel;
            contextSize = settings.contextSize();
            parallelSlots = settings.parallelSlots();
            gpuLayers = settings.gpuLayers();
            processes = settings.processes();
        } catch (LlamaPool.UnavailableException e) {
            scanError = e.getMessage();
        }
        scan();
    }

    private void scan() {
        models = new ArrayList<>();
        unreadable = new ArrayList<>();
        try {
            ModelLibrary.Folder folder = library.scan();
            for (ModelLibrary.Model model : folder.models()) {
                models.add(ModelRow.of(model, model.fileName().equals(activeModel)));
            }
            unreadable.addAll(folder.unreadable());
        } catch (IOException e) {
            scanError = "Cannot list " + modelsDirectory() + ": " + e.getMessage();
        }
    }

    private Path modelsDirectory() {
        return library.folder();
    }

    /**
     * Restarts the pool with the chosen model and sizes, unless it will not fit into the free memory: then it warns
     * and {@link #applyAnyway()} applies.
     */
    public void apply() {
        if (selectedModel == null || selectedModel.isBlank()) {
            Messages.error("Choose a model first.");
            return;
        }
        Optional<String> warning = library.fitWarning(selectedModel, contextSize, processes);
        if (warning.isPresent()) {
            fitWarning = warning.get();
            return;
        }
        applyAnyway();
    }

    /** Restarts the pool with the chosen model and sizes, after a fit warning too. */
    public void applyAnyway() {
        fitWarning = null;
        try {
            library.apply(selectedModel, contextSize, parallelSlots, gpuLayers, processes);
            activeModel = selectedModel;
            restarting = true;
            Messages.info("Restarting llama-server with " + selectedModel + " (kept after a server restart). Answers"
                    + " that were running end with a"
                    + " message to their phones.");
        } catch (LlamaPool.UnavailableException e) {
            Messages.error(e.getMessage());
        }
        scan();
    }

    /** Links a GGUF file elsewhere on this machine into the models folder. */
    public void addByPath() {
        try {
            String name = library.addByPath(serverPath);
            Messages.info("Added " + name + " (a link to " + serverPath.strip() + ").");
            serverPath = null;
        } catch (IOException | RuntimeException e) {
            Messages.error("Not added: " + Messages.reason(e));
        }
        scan();
    }

    /** Lists the GGUF files of the repository named in the form. */
    public void showHubFiles() {
        try {
            hubFiles = library.hubFiles(hubRepo == null ? "" : hubRepo.strip(), hubRevision);
            if (hubFiles.isEmpty()) {
                Messages.info(hubRepo + " has no GGUF file.");
            }
        } catch (RuntimeException e) {
            hubFiles = new ArrayList<>();
            Messages.error(Messages.reason(e));
        }
    }

    /** Starts downloading {@code file} of {@code repo} into the models folder. */
    public void download(String repo, String file) {
        try {
            if (library.download(repo, file, hubRevision).isEmpty()) {
                Messages.error(file + " is being downloaded already.");
            }
        } catch (RuntimeException e) {
            Messages.error(Messages.reason(e));
        }
    }

    /** Downloads the file named in the form. */
    public void downloadNamed() {
        download(hubRepo == null ? "" : hubRepo.strip(), hubFile == null ? "" : hubFile.strip());
    }

    public void cancelDownload(String fileName) {
        library.cancelDownload(fileName);
    }

    /** "Use this model": chooses a downloaded file and applies it (with the fit check). */
    public void use(String fileName) {
        scan();
        selectedModel = fileName;
        apply();
    }

    /** e.g. "491.0 MB" (the hub's and the curated list's sizes are decimal), "?" when unknown. */
    public String size(long bytes) {
        return bytes < 0 ? "?" : bytes >= 1_000_000_000L ? String.format(java.util.Locale.ROOT, "%.2f GB", bytes / 1e9)
                : String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    public List<CuratedModel> getCurated() {
        return CuratedModel.ALL;
    }

    public List<HubDownloads.Status> getDownloads() {
        return library.downloads();
    }

    public boolean isDownloading() {
        return library.downloads().stream().anyMatch(d -> d.stage() == HubDownloads.Stage.RUNNING);
    }

    public List<HubCatalog.HubFile> getHubFiles() {
        return hubFiles;
    }

    public String getHubUrl() {
        return library.hub().toString();
    }

    public String getFitWarning() {
        return fitWarning;
    }

    public String getHubRepo() {
        return hubRepo;
    }

    public void setHubRepo(String hubRepo) {
        this.hubRepo = hubRepo;
    }

    public String getHubFile() {
        return hubFile;
    }

    public void setHubFile(String hubFile) {
        this.hubFile = hubFile;
    }

    public String getHubRevision() {
        return hubRevision;
    }

    public void setHubRevision(String hubRevision) {
        this.hubRevision = hubRevision;
    }

    /** Rescans the folder (after an upload or a download). */
    public void refresh() {
        scan();
    }

    /** The processes, for the restart's progress. */
    public List<ProcessRow> getPoolProcesses() {
        List<ProcessRow> rows = new ArrayList<>();
        try {
            for (LlamaPool.Process process : pool.processes()) {
                rows.add(new ProcessRow(process));
            }
            if (restarting && !rows.isEmpty() && rows.stream()
                    .allMatch(r -> r.status().state() == LlamaPool.State.READY)) {
                restarting = false;
            }
        } catch (LlamaPool.UnavailableException e) {
            scanError = e.getMessage();
        }
        return rows;
    }

    public boolean isPoolReady() {
        List<ProcessRow> rows = getPoolProcesses();
        return !rows.isEmpty() && rows.stream().allMatch(r -> r.status().state() == LlamaPool.State.READY);
    }

    public List<ModelRow> getModels() {
        return models;
    }

    public List<String> getUnreadable() {
        return unreadable;
    }

    public String getScanError() {
        return scanError;
    }

    public String getModelsFolder() {
        return modelsDirectory().toString();
    }

    public String getActiveModel() {
        return activeModel;
    }

    public boolean isRestarting() {
        return restarting;
    }

    public String getSelectedModel() {
        return selectedModel;
    }

    public void setSelectedModel(String selectedModel) {
        this.selectedModel = selectedModel;
    }

    public int getContextSize() {
        return contextSize;
    }

    public void setContextSize(int contextSize) {
        this.contextSize = contextSize;
    }

    public int getParallelSlots() {
        return parallelSlots;
    }

    public void setParallelSlots(int parallelSlots) {
        this.parallelSlots = parallelSlots;
    }

    public String getGpuLayers() {
        return gpuLayers;
    }

    public void setGpuLayers(String gpuLayers) {
        this.gpuLayers = gpuLayers;
    }

    public int getProcessCount() {
        return processes;
    }

    public void setProcessCount(int processes) {
        this.processes = processes;
    }

    public String getServerPath() {
        return serverPath;
    }

    public void setServerPath(String serverPath) {
        this.serverPath = serverPath;
    }
}

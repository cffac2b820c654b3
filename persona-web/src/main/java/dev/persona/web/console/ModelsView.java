package dev.persona.web.console;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.persona.host.models.ModelLibrary;
import dev.persona.llama.BackendState;
import dev.persona.llama.BackendStatus;
import dev.persona.llama.LlamaException;
import dev.persona.llama.PoolSettings;
import dev.persona.models.ModelCatalog;
import dev.persona.models.ModelInfo;
import jakarta.annotation.PostConstruct;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/**
 * Models: the GGUF files of the models folder, adding one by server path (linked into the folder) or by upload
 * ({@link ModelUploadServlet}), and the pool's model and sizes, applied by restarting the llama-server processes.
 * The rules are the {@link ModelLibrary}'s; this view presents them.
 */
@Named
@ViewScoped
public class ModelsView implements Serializable {

    private static final long serialVersionUID = 1L;

    @Inject
    private ModelLibrary library;

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

    @PostConstruct
    void load() {
        try {
            PoolSettings settings = library.poolSettings();
            activeModel = settings.modelFile() == null || settings.modelFile().isBlank() ? null
                    : Path.of(settings.modelFile()).getFileName().toString();
            selectedModel = activeModel;
            contextSize = settings.contextSize();
            parallelSlots = settings.parallelSlots();
            gpuLayers = settings.gpuLayers();
            processes = settings.processes();
        } catch (LlamaException e) {
            scanError = e.getMessage();
        }
        scan();
    }

    private void scan() {
        models = new ArrayList<>();
        unreadable = new ArrayList<>();
        try {
            ModelCatalog.Listing listing = library.scan();
            for (ModelInfo info : listing.models()) {
                models.add(ModelRow.of(info, info.fileName().equals(activeModel)));
            }
            listing.unreadable().forEach(u -> unreadable.add(u.path().getFileName() + ": " + u.reason()));
        } catch (IOException e) {
            scanError = "Cannot list " + modelsDirectory() + ": " + e.getMessage();
        }
    }

    private Path modelsDirectory() {
        return library.folder();
    }

    /** Restarts the pool with the chosen model and sizes. */
    public void apply() {
        if (selectedModel == null || selectedModel.isBlank()) {
            Messages.error("Choose a model first.");
            return;
        }
        try {
            library.apply(selectedModel, contextSize, parallelSlots, gpuLayers, processes);
            activeModel = selectedModel;
            restarting = true;
            Messages.info("Restarting llama-server with " + selectedModel + " (kept after a server restart). Answers"
                    + " that were running end with a"
                    + " message to their phones.");
        } catch (LlamaException e) {
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

    /** Rescans the folder (after an upload). */
    public void refresh() {
        scan();
    }

    /** The processes, for the restart's progress. */
    public List<ProcessRow> getPoolProcesses() {
        List<ProcessRow> rows = new ArrayList<>();
        try {
            for (BackendStatus status : library.poolProcesses()) {
                rows.add(new ProcessRow(status, 0, 0));
            }
            if (restarting && !rows.isEmpty() && rows.stream()
                    .allMatch(r -> r.status().state() == BackendState.READY)) {
                restarting = false;
            }
        } catch (LlamaException e) {
            scanError = e.getMessage();
        }
        return rows;
    }

    public boolean isPoolReady() {
        List<ProcessRow> rows = getPoolProcesses();
        return !rows.isEmpty() && rows.stream().allMatch(r -> r.status().state() == BackendState.READY);
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

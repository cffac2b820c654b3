package dev.persona.web.console;

import java.io.Serializable;
import java.util.Locale;

import dev.persona.host.models.ModelLibrary;

/** A GGUF file of the models folder with what its header says. */
public record ModelRow(String fileName, String name, String architecture, long parameterCount, Long contextLength,
                       String quantization, long fileSize, boolean chatTemplate, boolean active) implements Serializable {

    static ModelRow of(ModelLibrary.Model model, boolean active) {
        return new ModelRow(model.fileName(), model.name(), model.architecture(), model.parameterCount(),
                model.contextLength(), model.quantization(), model.fileSize(), model.chatTemplate(), active);
    }

    /** e.g. "3.8 B", "460 K". */
    public String parameters() {
        if (parameterCount >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.1f B", parameterCount / 1e9);
        }
        if (parameterCount >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.1f M", parameterCount / 1e6);
        }
        return String.format(Locale.ROOT, "%.0f K", parameterCount / 1e3);
    }

    public String size() {
        return fileSize >= (1L << 30) ? HostStatusView.gib(fileSize)
                : String.format(Locale.ROOT, "%.1f MiB", fileSize / (1024.0 * 1024));
    }
}

package dev.persona.models;

import dev.persona.models.gguf.GgufFile;
import dev.persona.models.gguf.GgufFormatException;
import dev.persona.models.gguf.GgufReader;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The {@code *.gguf} files of one models directory (not its subdirectories), sorted by file name. Files that
 * cannot be read are listed apart with the reason, so the user learns why a model is missing. Of a model split
 * into several files only the first part is listed: llama-server is given that one and finds the rest.
 */
public final class ModelCatalog {

    private static final Comparator<Path> BY_FILE_NAME = Comparator
            .comparing((Path path) -> path.getFileName().toString(), String.CASE_INSENSITIVE_ORDER)
            .thenComparing(path -> path.getFileName().toString());

    private final Path directory;
    private final GgufReader reader;

    public ModelCatalog(Path directory) {
        this(directory, new GgufReader());
    }

    public ModelCatalog(Path directory, GgufReader reader) {
        this.directory = directory;
        this.reader = reader;
    }

    public Path directory() {
        return directory;
    }

    /** A file with a {@code .gguf} name that could not be read, and why. */
    public record UnreadableFile(Path path, String reason) {
    }

    /** The result of one {@link #scan()}. */
    public record Listing(List<ModelInfo> models, List<UnreadableFile> unreadable) {

        public Listing {
            models = List.copyOf(models);
            unreadable = List.copyOf(unreadable);
        }
    }

    /**
     * Reads the header of every {@code *.gguf} file in the directory.
     *
     * @throws IOException if the directory itself cannot be listed
     */
    public Listing scan() throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new NotDirectoryException(directory + " (the models directory) does not exist or is not a directory");
        }
        List<Path> candidates;
        try (Stream<Path> entries = Files.list(directory)) {
            candidates = entries
                    .filter(path -> path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gguf"))
                    .filter(path -> !Files.isDirectory(path))
                    .sorted(BY_FILE_NAME)
                    .toList();
        }
        List<ModelInfo> models = new ArrayList<>();
        List<UnreadableFile> unreadable = new ArrayList<>();
        for (Path path : candidates) {
            try {
                GgufFile file = reader.read(path);
                if (!isLaterSplitPart(file)) {
                    models.add(ModelInfo.of(file));
                }
            } catch (IOException e) {
                unreadable.add(new UnreadableFile(path, describe(e)));
            }
        }
        return new Listing(models, unreadable);
    }

    /** Parts 2 and up of a split model carry {@code split.no} greater than 0. */
    private static boolean isLaterSplitPart(GgufFile file) {
        return file.metadata().getLong("split.no").orElse(0) > 0;
    }

    private static String describe(IOException e) {
        if (e instanceof GgufFormatException format) {
            return format.reason() + " (at byte offset " + format.offset() + ")";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "the file disappeared or is a broken link";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}

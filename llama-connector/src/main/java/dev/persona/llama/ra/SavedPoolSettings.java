package dev.persona.llama.ra;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

import dev.persona.llama.PoolSettings;

/**
 * The pool settings an owner chose while the host ran ({@link LlamaResourceAdapter#restartPool}), kept in a
 * properties file of the connector's data folder so that the next start runs the chosen model again instead of
 * the deployed configuration. The file also records the configuration the choice replaced: once the deployed
 * configuration differs from it (an administrator changed it since), the configuration wins.
 */
final class SavedPoolSettings {

    static final String FILE_NAME = "pool-settings.properties";
    private static final String CONFIGURED = "configured.";
    private static final String CHOSEN = "chosen.";

    private final Path file;

    SavedPoolSettings(Path folder) {
        this.file = folder.resolve(FILE_NAME);
    }

    Path file() {
        return file;
    }

    /**
     * The saved choice if it was made over {@code configured}; empty when there is none or the configuration has
     * changed since.
     *
     * @throws IOException if the file exists but cannot be read or is not a complete record
     */
    Optional<PoolSettings> choiceOver(PoolSettings configured) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        PoolSettings madeOver = read(properties, CONFIGURED);
        return normalized(madeOver).equals(normalized(configured)) ? Optional.of(read(properties, CHOSEN))
                : Optional.empty();
    }

    /** Keeps {@code chosen} as the choice over {@code configured}, replacing the file in one step. */
    void save(PoolSettings configured, PoolSettings chosen) throws IOException {
        Properties properties = new Properties();
        write(properties, CONFIGURED, configured);
        write(properties, CHOSEN, chosen);
        Files.createDirectories(file.getParent());
        Path temporary = Files.createTempFile(file.getParent(), FILE_NAME, ".tmp");
        try {
            try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                properties.store(writer, "The llama-server pool chosen in the Persona console; delete this file to"
                        + " run the deployed configuration again");
            }
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    void forget() throws IOException {
        Files.deleteIfExists(file);
    }

    private static void write(Properties properties, String prefix, PoolSettings settings) {
        properties.setProperty(prefix + "modelFile", Objects.requireNonNullElse(settings.modelFile(), ""));
        properties.setProperty(prefix + "contextSize", Integer.toString(settings.contextSize()));
        properties.setProperty(prefix + "parallelSlots", Integer.toString(settings.parallelSlots()));
        properties.setProperty(prefix + "gpuLayers", Objects.requireNonNullElse(settings.gpuLayers(), ""));
        properties.setProperty(prefix + "processes", Integer.toString(settings.processes()));
    }

    private PoolSettings read(Properties properties, String prefix) throws IOException {
        try {
            return new PoolSettings(required(properties, prefix + "modelFile"),
                    Integer.parseInt(required(properties, prefix + "contextSize")),
                    Integer.parseInt(required(properties, prefix + "parallelSlots")),
                    required(properties, prefix + "gpuLayers"),
                    Integer.parseInt(required(properties, prefix + "processes")));
        } catch (NumberFormatException e) {
            throw new IOException(file + " has a size that is not a number: " + e.getMessage(), e);
        }
    }

    private String required(Properties properties, String key) throws IOException {
        String value = properties.getProperty(key);
        if (value == null) {
            throw new IOException(file + " lacks " + key);
        }
        return value.strip();
    }

    /** Null and blank text compare equal, and surrounding blanks do not count. */
    private static PoolSettings normalized(PoolSettings settings) {
        return new PoolSettings(Objects.requireNonNullElse(settings.modelFile(), "").strip(), settings.contextSize(),
                settings.parallelSlots(), Objects.requireNonNullElse(settings.gpuLayers(), "").strip(),
                settings.processes());
    }
}

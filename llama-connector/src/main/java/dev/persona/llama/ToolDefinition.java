package dev.persona.llama;

import java.util.Objects;

/**
 * A tool offered to the model, sent as {@code {"type":"function","function":{"name","description","parameters"}}}.
 *
 * @param name        the name the model calls it by
 * @param description what it does, for the model
 * @param parameters  the JSON schema of its arguments object, as JSON text
 */
public record ToolDefinition(String name, String description, String parameters) {

    public ToolDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(parameters, "parameters");
    }
}

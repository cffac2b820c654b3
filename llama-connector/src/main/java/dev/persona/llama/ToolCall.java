package dev.persona.llama;

import java.util.Objects;

/**
 * A tool call the model made: the server's id for it (a {@link ChatRole#TOOL} message answers it by this id), the
 * tool's name and its arguments as the JSON text the model wrote (not checked here).
 */
public record ToolCall(String id, String name, String arguments) {

    public ToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        arguments = arguments == null ? "" : arguments;
    }
}

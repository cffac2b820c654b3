package dev.persona.llama;

import java.util.Objects;

/**
 * One message of a chat. The server's chat template (llama-server runs with {@code --jinja}) turns the list into
 * the model's prompt format; for a template without a system role (Phi-3's) llama-server folds the system text into
 * the first user turn.
 */
public record ChatMessage(ChatRole role, String content) {

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }

    public static ChatMessage system(String content) {
        return new ChatMessage(ChatRole.SYSTEM, content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage(ChatRole.USER, content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage(ChatRole.ASSISTANT, content);
    }
}

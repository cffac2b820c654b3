package dev.persona.llama;

import java.util.List;
import java.util.Objects;

/**
 * One message of a chat. The server's chat template (llama-server runs with {@code --jinja}) turns the list into
 * the model's prompt format; for a template without a system role (Phi-3's) llama-server folds the system text into
 * the first user turn.
 */
public record ChatMessage(ChatRole role, String content, List<ToolCall> toolCalls, String toolCallId) {

    /**
     * @param toolCalls  the tools an assistant message asked for (empty for other messages)
     * @param toolCallId for a {@link ChatRole#TOOL} message, the id of the call it answers
     */
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        if (role == ChatRole.TOOL && toolCallId == null) {
            throw new IllegalArgumentException("a tool message needs the id of the call it answers");
        }
    }

    /** A message of text only. */
    public ChatMessage(ChatRole role, String content) {
        this(role, content, List.of(), null);
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

    /** The assistant's turn that asked for tools (its text, often empty, and the calls). */
    public static ChatMessage assistant(String content, List<ToolCall> toolCalls) {
        return new ChatMessage(ChatRole.ASSISTANT, content, toolCalls, null);
    }

    /** The result of the tool call {@code callId}. */
    public static ChatMessage tool(String callId, String content) {
        return new ChatMessage(ChatRole.TOOL, content, List.of(), callId);
    }
}

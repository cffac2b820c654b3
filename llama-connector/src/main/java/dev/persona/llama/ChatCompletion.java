package dev.persona.llama;

import java.util.List;

/**
 * A finished answer.
 *
 * @param content      the whole text, the concatenation of every {@link ChatListener#onToken} call
 * @param finishReason why generation stopped: {@code stop} (end of sequence or a stop string), {@code length}
 *                     (max tokens or the slot's context reached), or what the server said; {@code null} if it
 *                     said nothing
 * @param usage        token counts, or {@code null} if the server did not send them
 * @param timings      llama-server's timings, or {@code null} for other servers
 * @param backend      the backend that answered
 * @param toolCalls    the tools the model asked for (finish reason {@code tool_calls}); empty when it asked for none
 */
public record ChatCompletion(String content, String finishReason, TokenUsage usage, GenerationTimings timings,
                             String backend, List<ToolCall> toolCalls) {

    public ChatCompletion {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    /** An answer without tool calls. */
    public ChatCompletion(String content, String finishReason, TokenUsage usage, GenerationTimings timings,
                          String backend) {
        this(content, finishReason, usage, timings, backend, List.of());
    }
}

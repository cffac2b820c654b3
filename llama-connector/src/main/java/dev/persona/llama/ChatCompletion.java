package dev.persona.llama;

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
 */
public record ChatCompletion(String content, String finishReason, TokenUsage usage, GenerationTimings timings,
                             String backend) {
}

package dev.persona.llama;

/**
 * Token counts of one answer, as the server reports them.
 *
 * @param promptTokens     tokens of the prompt the chat template produced
 * @param completionTokens tokens generated
 */
public record TokenUsage(int promptTokens, int completionTokens) {
}

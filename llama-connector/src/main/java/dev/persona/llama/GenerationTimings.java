package dev.persona.llama;

/**
 * How long llama-server spent on one answer (its {@code timings} object; other servers do not send it).
 *
 * @param cachedTokens    prompt tokens reused from the slot's cache
 * @param promptTokens    prompt tokens evaluated
 * @param promptMillis    time spent evaluating them
 * @param predictedTokens tokens generated
 * @param predictedMillis time spent generating them
 */
public record GenerationTimings(int cachedTokens, int promptTokens, double promptMillis, int predictedTokens,
                                double predictedMillis) {

    /** Generation speed in tokens per second, or 0 when nothing was generated. */
    public double predictedPerSecond() {
        return predictedMillis > 0 ? predictedTokens * 1000.0 / predictedMillis : 0;
    }
}

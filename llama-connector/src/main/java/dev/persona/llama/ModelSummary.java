package dev.persona.llama;

/**
 * What the connector read from the header of the model file a local llama-server loads. Missing metadata is
 * {@code null}.
 *
 * @param path           the GGUF file
 * @param fileSize       its size in bytes
 * @param name           {@code general.name}
 * @param architecture   {@code general.architecture}, e.g. {@code llama} or {@code phi3}
 * @param parameterCount number of weights
 * @param contextLength  context length the model was trained for
 * @param fileType       quantization, e.g. {@code Q4_K_M}
 */
public record ModelSummary(String path, long fileSize, String name, String architecture, long parameterCount,
                           Long contextLength, String fileType) {
}

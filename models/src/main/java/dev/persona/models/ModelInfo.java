package dev.persona.models;

import dev.persona.models.gguf.GgufFile;

import java.nio.file.Path;

/**
 * What the model list shows about one GGUF file, without the tokenizer tables a {@link GgufFile} holds.
 * Metadata the file does not carry is {@code null}.
 *
 * @param path           the file
 * @param fileSize       size in bytes
 * @param architecture   {@code general.architecture}, e.g. {@code llama}
 * @param name           {@code general.name}
 * @param parameterCount sum of the element counts of all tensors
 * @param contextLength  trained context length in tokens
 * @param fileType       quantization label such as {@code Q4_K_M}
 * @param chatTemplate   the Jinja chat template
 * @param tokenizerModel {@code tokenizer.ggml.model}, e.g. {@code llama} or {@code gpt2}
 * @param tensorCount    number of tensors
 */
public record ModelInfo(Path path, long fileSize, String architecture, String name, long parameterCount,
                        Long contextLength, String fileType, String chatTemplate, String tokenizerModel,
                        int tensorCount) {

    /** The summary of a file read by {@link dev.persona.models.gguf.GgufReader}. */
    public static ModelInfo of(GgufFile file) {
        return new ModelInfo(file.path(), file.fileSize(), file.architecture().orElse(null),
                file.name().orElse(null), file.parameterCount(),
                file.contextLength().isPresent() ? file.contextLength().getAsLong() : null,
                file.fileTypeName().orElse(null), file.chatTemplate().orElse(null),
                file.tokenizerModel().orElse(null), file.tensorCount());
    }

    /** The file name, e.g. {@code Phi-3-mini-4k-instruct-q4.gguf}. */
    public String fileName() {
        return path.getFileName().toString();
    }
}

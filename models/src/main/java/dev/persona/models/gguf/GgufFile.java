package dev.persona.models.gguf;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What {@link GgufReader} learned from a GGUF file: the header, the metadata and the tensor descriptions, plus the
 * facts a model list shows (architecture, size, context length, quantization, chat template).
 */
public final class GgufFile {

    private final Path path;
    private final long fileSize;
    private final int version;
    private final int alignment;
    private final long dataOffset;
    private final GgufMetadata metadata;
    private final List<GgufTensorInfo> tensors;
    private final long parameterCount;

    GgufFile(Path path, long fileSize, int version, int alignment, long dataOffset, GgufMetadata metadata,
             List<GgufTensorInfo> tensors, long parameterCount) {
        this.path = path;
        this.fileSize = fileSize;
        this.version = version;
        this.alignment = alignment;
        this.dataOffset = dataOffset;
        this.metadata = metadata;
        this.tensors = List.copyOf(tensors);
        this.parameterCount = parameterCount;
    }

    public Path path() {
        return path;
    }

    public long fileSize() {
        return fileSize;
    }

    /** GGUF format version, 2 or 3. */
    public int version() {
        return version;
    }

    /** Alignment of tensor data in bytes ({@code general.alignment}, 32 by default). */
    public int alignment() {
        return alignment;
    }

    /** Absolute file offset where tensor data begins. */
    public long dataOffset() {
        return dataOffset;
    }

    public GgufMetadata metadata() {
        return metadata;
    }

    public List<GgufTensorInfo> tensors() {
        return tensors;
    }

    public int tensorCount() {
        return tensors.size();
    }

    /** Sum of the element counts of all tensors. */
    public long parameterCount() {
        return parameterCount;
    }

    /** {@code general.architecture}, e.g. {@code llama}. */
    public Optional<String> architecture() {
        return metadata.getString("general.architecture");
    }

    /** {@code general.name}. */
    public Optional<String> name() {
        return metadata.getString("general.name");
    }

    /** {@code <architecture>.context_length}: the context the model was trained for. */
    public OptionalLong contextLength() {
        return architecture().map(arch -> metadata.getLong(arch + ".context_length")).orElse(OptionalLong.empty());
    }

    /** {@code general.file_type} when llama.cpp defines its value. */
    public Optional<LlamaFileType> fileType() {
        OptionalLong id = metadata.getLong("general.file_type");
        return id.isPresent() ? LlamaFileType.byId(id.getAsLong()) : Optional.empty();
    }

    /** Label of {@code general.file_type}, e.g. {@code Q4_K_M}, or {@code unknown (N)} for an undefined value. */
    public Optional<String> fileTypeName() {
        OptionalLong id = metadata.getLong("general.file_type");
        if (id.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(fileType().map(Enum::name).orElse("unknown (" + id.getAsLong() + ")"));
    }

    /** {@code tokenizer.chat_template}: the Jinja template llama-server applies with {@code --jinja}. */
    public Optional<String> chatTemplate() {
        return metadata.getString("tokenizer.chat_template");
    }

    /** {@code tokenizer.ggml.model}, e.g. {@code llama} (SentencePiece) or {@code gpt2} (byte-level BPE). */
    public Optional<String> tokenizerModel() {
        return metadata.getString("tokenizer.ggml.model");
    }
}

package dev.persona.models.gguf;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where a tensor's data lies and how it is shaped. {@code dimensions} are in ggml order, the fastest-varying first
 * (the reverse of a row-major shape), at most four; {@code offset} is relative to the start of the data section.
 * A {@code typeId} unknown to this version of llama.cpp is kept, without a {@link #type()} or {@link #byteSize()}.
 */
public record GgufTensorInfo(String name, long[] dimensions, int typeId, long offset) {

    /** Most dimensions a ggml tensor can have ({@code GGML_MAX_DIMS}). */
    public static final int MAX_DIMENSIONS = 4;

    public GgufTensorInfo {
        Objects.requireNonNull(name, "name");
        dimensions = dimensions.clone();
        if (dimensions.length > MAX_DIMENSIONS) {
            throw new IllegalArgumentException(name + ": " + dimensions.length + " dimensions, at most 4 allowed");
        }
        long elements = 1;
        for (long dimension : dimensions) {
            if (dimension < 0) {
                throw new IllegalArgumentException(name + ": negative dimension " + dimension);
            }
            elements = Math.multiplyExact(elements, dimension);
        }
        if (typeId < 0) {
            throw new IllegalArgumentException(name + ": negative type " + typeId);
        }
        Optional<GgufTensorType> type = GgufTensorType.byId(typeId);
        if (type.isPresent() && elements / type.get().blockSize() > Long.MAX_VALUE / type.get().typeSize()) {
            throw new IllegalArgumentException(name + ": data would exceed 2^63 bytes");
        }
        if (offset < 0) {
            throw new IllegalArgumentException(name + ": negative offset " + offset);
        }
    }

    @Override
    public long[] dimensions() {
        return dimensions.clone();
    }

    public Optional<GgufTensorType> type() {
        return GgufTensorType.byId(typeId);
    }

    /** Product of the dimensions: the tensor's number of parameters. */
    public long elementCount() {
        long elements = 1;
        for (long dimension : dimensions) {
            elements *= dimension;
        }
        return elements;
    }

    /** Size of the tensor's data in bytes, when its type is known. */
    public OptionalLong byteSize() {
        return type().map(t -> OptionalLong.of(elementCount() / t.blockSize() * t.typeSize()))
                .orElse(OptionalLong.empty());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof GgufTensorInfo that
                && name.equals(that.name)
                && Arrays.equals(dimensions, that.dimensions)
                && typeId == that.typeId
                && offset == that.offset;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(dimensions), typeId, offset);
    }

    @Override
    public String toString() {
        return name + " " + type().map(Enum::name).orElse("type " + typeId) + " " + Arrays.toString(dimensions)
                + " @" + offset;
    }
}

package dev.persona.models.gguf;

import java.util.Optional;

/** The types a GGUF metadata value can have ({@code enum gguf_type} in {@code ggml/include/gguf.h}). */
public enum GgufValueType {
    UINT8(0, 1),
    INT8(1, 1),
    UINT16(2, 2),
    INT16(3, 2),
    UINT32(4, 4),
    INT32(5, 4),
    FLOAT32(6, 4),
    BOOL(7, 1),
    STRING(8, 0),
    ARRAY(9, 0),
    UINT64(10, 8),
    INT64(11, 8),
    FLOAT64(12, 8);

    private static final GgufValueType[] BY_ID = values();

    private final int id;
    private final int fixedSize;

    GgufValueType(int id, int fixedSize) {
        this.id = id;
        this.fixedSize = fixedSize;
    }

    /** The number stored in the file for this type. */
    public int id() {
        return id;
    }

    /** Encoded size of one value in bytes, or 0 for the variable-length {@link #STRING} and {@link #ARRAY}. */
    public int fixedSize() {
        return fixedSize;
    }

    /** Whether values of this type are whole numbers (bool excluded). */
    public boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
            default -> false;
        };
    }

    /** The type stored in the file as {@code id}, if it is one. */
    public static Optional<GgufValueType> byId(int id) {
        return id >= 0 && id < BY_ID.length ? Optional.of(BY_ID[id]) : Optional.empty();
    }
}

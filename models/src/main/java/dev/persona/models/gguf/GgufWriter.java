package dev.persona.models.gguf;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Writes a GGUF version 3 file the way llama.cpp's {@code gguf_write_to_file} does: header, metadata in insertion
 * order, tensor descriptions, then each tensor's data padded to {@code general.alignment} (32 unless set).
 * Output depends only on what was added, so equal input gives byte-identical files.
 */
public final class GgufWriter {

    private static final byte[] MAGIC = {'G', 'G', 'U', 'F'};
    private static final int VERSION = 3;

    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();
    private final Set<String> tensorNames = new HashSet<>();

    /** A tensor's description and where its encoded data comes from when the file is written. */
    private record Tensor(GgufTensorInfo info, Supplier<byte[]> data) {

        long byteSize() {
            return info.byteSize().orElseThrow();
        }
    }

    /** Sets {@code key}; a key set again keeps its first position. */
    public GgufWriter put(String key, GgufValue value) {
        Objects.requireNonNull(value, "value");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("metadata keys cannot be empty");
        }
        if (key.equals("general.alignment")) {
            if (value.type() != GgufValueType.UINT32 || Long.bitCount(value.asLong()) != 1
                    || value.asLong() > 1 << 30) {
                throw new IllegalArgumentException("general.alignment must be a UINT32 power of two: " + value);
            }
        }
        metadata.put(key, value);
        return this;
    }

    /**
     * Adds a tensor whose encoded data (little-endian, in ggml block layout) is {@code data}.
     * {@code dimensions} are in ggml order, the fastest-varying first.
     */
    public GgufWriter addTensor(String name, GgufTensorType type, long[] dimensions, byte[] data) {
        long expected = describe(name, type, dimensions).byteSize().orElseThrow();
        if (data.length != expected) {
            throw new IllegalArgumentException(name + ": " + data.length + " bytes of data, expected " + expected);
        }
        byte[] copy = data.clone();
        return add(name, type, dimensions, () -> copy);
    }

    /** Adds an F32 tensor holding {@code values} in ggml order. */
    public GgufWriter addF32Tensor(String name, long[] dimensions, float[] values) {
        return addTensor(name, GgufTensorType.F32, dimensions, f32(values));
    }

    /** Adds an F16 tensor holding {@code values}, rounded to half precision, in ggml order. */
    public GgufWriter addF16Tensor(String name, long[] dimensions, float[] values) {
        return addTensor(name, GgufTensorType.F16, dimensions, f16(values));
    }

    /**
     * Adds an F16 tensor whose values {@link #write} asks for when it writes them, in the order the tensors were
     * added: a large model is written holding one tensor in memory at a time.
     */
    public GgufWriter addF16Tensor(String name, long[] dimensions, Supplier<float[]> values) {
        return add(name, GgufTensorType.F16, dimensions, () -> f16(values.get()));
    }

    private GgufWriter add(String name, GgufTensorType type, long[] dimensions, Supplier<byte[]> data) {
        GgufTensorInfo info = describe(name, type, dimensions);
        tensorNames.add(name);
        tensors.add(new Tensor(info, data));
        return this;
    }

    private GgufTensorInfo describe(String name, GgufTensorType type, long[] dimensions) {
        if (name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > GgufReader.MAX_TENSOR_NAME_BYTES) {
            throw new IllegalArgumentException("tensor name must have 1 to " + GgufReader.MAX_TENSOR_NAME_BYTES
                    + " bytes: '" + name + "'");
        }
        if (tensorNames.contains(name)) {
            throw new IllegalArgumentException("duplicate tensor name '" + name + "'");
        }
        GgufTensorInfo info = new GgufTensorInfo(name, dimensions, type.id(), 0);
        long rowLength = dimensions.length > 0 ? dimensions[0] : 1;
        if (rowLength % type.blockSize() != 0) {
            throw new IllegalArgumentException(name + ": rows of " + rowLength + " elements are not whole blocks of "
                    + type.blockSize() + " for " + type);
        }
        return info;
    }

    private static byte[] f32(float[] values) {
        byte[] data = new byte[Math.multiplyExact(values.length, 4)];
        for (int i = 0; i < values.length; i++) {
            int bits = Float.floatToRawIntBits(values[i]);
            data[4 * i] = (byte) bits;
            data[4 * i + 1] = (byte) (bits >>> 8);
            data[4 * i + 2] = (byte) (bits >>> 16);
            data[4 * i + 3] = (byte) (bits >>> 24);
        }
        return data;
    }

    private static byte[] f16(float[] values) {
        byte[] data = new byte[Math.multiplyExact(values.length, 2)];
        for (int i = 0; i < values.length; i++) {
            short bits = HalfFloat.fromFloat(values[i]);
            data[2 * i] = (byte) bits;
            data[2 * i + 1] = (byte) (bits >>> 8);
        }
        return data;
    }

    /** Writes the file, replacing {@code path} if it exists. */
    public void write(Path path) throws IOException {
        int alignment = metadata.containsKey("general.alignment")
                ? (int) metadata.get("general.alignment").asLong()
                : GgufReader.DEFAULT_ALIGNMENT;
        try (Output out = new Output(new BufferedOutputStream(Files.newOutputStream(path), 1 << 16))) {
            out.bytes(MAGIC, 0, MAGIC.length);
            out.int32(VERSION);
            out.int64(tensors.size());
            out.int64(metadata.size());
            for (Map.Entry<String, GgufValue> entry : metadata.entrySet()) {
                out.string(entry.getKey());
                out.int32(entry.getValue().type().id());
                writeValue(out, entry.getValue());
            }
            long offset = 0;
            for (Tensor tensor : tensors) {
                long[] dimensions = tensor.info().dimensions();
                out.string(tensor.info().name());
                out.int32(dimensions.length);
                for (long dimension : dimensions) {
                    out.int64(dimension);
                }
                out.int32(tensor.info().typeId());
                out.int64(offset);
                offset += padding(tensor.byteSize(), alignment) + tensor.byteSize();
            }
            out.pad(alignment);
            for (Tensor tensor : tensors) {
                byte[] data = tensor.data().get();
                if (data.length != tensor.byteSize()) {
                    throw new IllegalArgumentException(tensor.info().name() + ": " + data.length
                            + " bytes of data, expected " + tensor.byteSize());
                }
                out.bytes(data, 0, data.length);
                out.pad(alignment);
            }
        }
    }

    private static void writeValue(Output out, GgufValue value) throws IOException {
        switch (value.type()) {
            case UINT8, INT8 -> out.int8((int) value.asLong());
            case UINT16, INT16 -> out.int16((int) value.asLong());
            case UINT32, INT32 -> out.int32((int) value.asLong());
            case UINT64, INT64 -> out.int64(value.asLong());
            case FLOAT32 -> out.int32(Float.floatToRawIntBits((float) value.asDouble()));
            case FLOAT64 -> out.int64(Double.doubleToRawLongBits(value.asDouble()));
            case BOOL -> out.int8(value.asBoolean() ? 1 : 0);
            case STRING -> out.string(value.asString());
            case ARRAY -> writeArray(out, value.asArray());
        }
    }

    private static void writeArray(Output out, GgufArray array) throws IOException {
        out.int32(array.elementType().id());
        out.int64(array.size());
        byte[] data = array.data();
        if (array.elementType() != GgufValueType.STRING) {
            out.bytes(data, 0, data.length);
            return;
        }
        int start = 0;
        for (int end : array.stringEnds()) {
            out.int64(end - start);
            out.bytes(data, start, end - start);
            start = end;
        }
    }

    private static long padding(long offset, int alignment) {
        return (alignment - offset % alignment) % alignment;
    }

    /** Little-endian primitives on a stream, counting the bytes written. */
    private static final class Output implements AutoCloseable {

        private final OutputStream out;
        private long written;

        Output(OutputStream out) {
            this.out = out;
        }

        void int8(int value) throws IOException {
            out.write(value);
            written++;
        }

        void int16(int value) throws IOException {
            int8(value);
            int8(value >>> 8);
        }

        void int32(int value) throws IOException {
            int16(value);
            int16(value >>> 16);
        }

        void int64(long value) throws IOException {
            int32((int) value);
            int32((int) (value >>> 32));
        }

        void string(String value) throws IOException {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            int64(bytes.length);
            bytes(bytes, 0, bytes.length);
        }

        void bytes(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
            written += length;
        }

        void pad(int alignment) throws IOException {
            for (long i = padding(written, alignment); i > 0; i--) {
                int8(0);
            }
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}

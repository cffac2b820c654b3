package dev.persona.models.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the header of a GGUF v2 or v3 file (metadata and tensor descriptions) without touching tensor data.
 * Every count and length the file declares is checked against the bytes that remain and against fixed limits
 * before anything is allocated, so hostile or truncated input ends in a {@link GgufFormatException}, never in an
 * {@link OutOfMemoryError} or a hang. Instances are immutable and thread-safe.
 */
public final class GgufReader {

    /** Default bound on the header (metadata and tensor descriptions); real models stay below 20 MiB. */
    public static final long DEFAULT_HEADER_LIMIT = 64L << 20;
    /** Largest header limit a reader accepts, so that every array fits in a Java array. */
    public static final long MAX_HEADER_LIMIT = 1L << 30;
    /** Most metadata keys a file may declare; real models have fewer than a hundred. */
    public static final int MAX_KEYS = 1 << 16;
    /** Most tensors a file may declare; the largest mixtures of experts have tens of thousands. */
    public static final int MAX_TENSORS = 1 << 18;
    /** Longest key in bytes. */
    public static final int MAX_KEY_BYTES = 1 << 16;
    /** Longest tensor name in bytes (llama.cpp itself stops at 63). */
    public static final int MAX_TENSOR_NAME_BYTES = 1 << 10;
    /** Longest string value in bytes; chat templates are a few kilobytes. */
    public static final int MAX_STRING_BYTES = 16 << 20;
    /** Tensor data alignment when {@code general.alignment} is absent. */
    public static final int DEFAULT_ALIGNMENT = 32;

    private static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian int
    private static final int MIN_KEY_VALUE_BYTES = 8 + 1 + 4 + 1;
    private static final int MIN_TENSOR_INFO_BYTES = 8 + 4 + 4 + 8;
    private static final int BUFFER_BYTES = 64 * 1024;

    private final long headerLimit;

    public GgufReader() {
        this(DEFAULT_HEADER_LIMIT);
    }

    /** A reader that refuses files whose header is larger than {@code headerLimit} bytes. */
    public GgufReader(long headerLimit) {
        if (headerLimit < 24 || headerLimit > MAX_HEADER_LIMIT) {
            throw new IllegalArgumentException("header limit must be in [24, " + MAX_HEADER_LIMIT + "]: "
                    + headerLimit);
        }
        this.headerLimit = headerLimit;
    }

    /**
     * Reads the header of {@code path}.
     *
     * @throws GgufFormatException if the file is not a GGUF file this reader accepts
     * @throws IOException if the file cannot be read
     */
    public GgufFile read(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString());
        }
        if (!Files.isRegularFile(path)) {
            throw new IOException(path + " is not a regular file");
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            return new Parser(path, channel, channel.size()).parse();
        }
    }

    /** One pass over one file; keeps the read position and a buffer. */
    private final class Parser {

        private final Path path;
        private final FileChannel channel;
        private final long fileSize;
        private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN).flip();
        private long bufferStart;

        Parser(Path path, FileChannel channel, long fileSize) {
            this.path = path;
            this.channel = channel;
            this.fileSize = fileSize;
        }

        GgufFile parse() throws IOException {
            if (fileSize < 4) {
                throw fail(0, "file is " + fileSize + " bytes long, too short to be a GGUF file");
            }
            int magic = readInt("magic");
            if (magic != MAGIC) {
                throw fail(0, "not a GGUF file: it starts with " + hex(magic) + " instead of 'GGUF'");
            }
            int version = readVersion();

            long tensorCount = readCount("tensor count", MAX_TENSORS, MIN_TENSOR_INFO_BYTES);
            long keyCount = readCount("metadata key count", MAX_KEYS, MIN_KEY_VALUE_BYTES);

            Map<String, GgufValue> entries = new LinkedHashMap<>();
            for (long i = 0; i < keyCount; i++) {
                long keyOffset = position();
                String key = readString("key #" + i, MAX_KEY_BYTES);
                if (key.isEmpty()) {
                    throw fail(keyOffset, "key #" + i + " is empty");
                }
                if (entries.containsKey(key)) {
                    throw fail(keyOffset, "duplicate key " + quote(key));
                }
                long typeOffset = position();
                int typeId = readInt("type of " + quote(key));
                GgufValueType type = GgufValueType.byId(typeId)
                        .orElseThrow(() -> fail(typeOffset, "key " + quote(key) + " has unknown value type " + typeId));
                entries.put(key, readValue(type, "value of " + quote(key)));
            }
            int alignment = alignment(entries.get("general.alignment"));

            List<GgufTensorInfo> tensors = new ArrayList<>((int) Math.min(tensorCount, 1024));
            Set<String> names = new HashSet<>();
            long parameters = 0;
            for (long i = 0; i < tensorCount; i++) {
                long nameOffset = position();
                String name = readString("name of tensor #" + i, MAX_TENSOR_NAME_BYTES);
                if (!names.add(name)) {
                    throw fail(nameOffset, "duplicate tensor name " + quote(name));
                }
                GgufTensorInfo tensor = readTensorInfo("tensor " + quote(name), name, alignment);
                try {
                    parameters = Math.addExact(parameters, tensor.elementCount());
                } catch (ArithmeticException e) {
                    throw fail(nameOffset, "the parameter count of the file exceeds 2^63");
                }
                tensors.add(tensor);
            }

            long headerEnd = position();
            long dataOffset = tensorCount > 0 ? alignUp(headerEnd, alignment) : headerEnd;
            if (dataOffset > fileSize) {
                throw fail(headerEnd, "tensor data would start at " + dataOffset + ", past the end of the "
                        + fileSize + "-byte file: it is truncated");
            }
            long dataBytes = fileSize - dataOffset;
            for (GgufTensorInfo tensor : tensors) {
                long size = tensor.byteSize().orElse(0);
                if (tensor.offset() > dataBytes - size) {
                    throw fail(dataOffset, "data of tensor " + quote(tensor.name()) + " (" + size + " bytes at "
                            + tensor.offset() + " in the data section) ends past the end of the " + fileSize
                            + "-byte file: it is truncated");
                }
            }
            return new GgufFile(path, fileSize, version, alignment, dataOffset, new GgufMetadata(entries), tensors,
                    parameters);
        }

        private int readVersion() throws IOException {
            int version = readInt("version");
            if (version == 2 || version == 3) {
                return version;
            }
            if (version == 1) {
                throw fail(4, "GGUF version 1 is no longer supported by llama.cpp; convert the model again");
            }
            int swapped = Integer.reverseBytes(version);
            if (swapped == 2 || swapped == 3) {
                throw fail(4, "big-endian GGUF file; only little-endian files are supported");
            }
            throw fail(4, "unsupported GGUF version " + Integer.toUnsignedString(version) + " (supported: 2 and 3)");
        }

        /** Reads a declared count and checks it against {@code max} and the bytes that could hold it. */
        private long readCount(String what, long max, int minBytesEach) throws IOException {
            long offset = position();
            long count = readLong(what);
            long possible = (Math.min(fileSize, headerLimit) - position()) / minBytesEach;
            if (count < 0 || count > max || count > possible) {
                throw fail(offset, what + " " + Long.toUnsignedString(count) + " is impossible: at most "
                        + Math.min(max, Math.max(possible, 0)) + " fit in this file and the limits of this reader");
            }
            return count;
        }

        private int alignment(GgufValue value) throws GgufFormatException {
            if (value == null) {
                return DEFAULT_ALIGNMENT;
            }
            if (value.type() != GgufValueType.UINT32) {
                throw fail(position(), "general.alignment must be UINT32 but is " + value.type());
            }
            long alignment = value.asLong();
            if (alignment == 0 || Long.bitCount(alignment) != 1 || alignment > 1 << 30) {
                throw fail(position(), "general.alignment " + alignment + " is not a power of two up to 2^30");
            }
            return (int) alignment;
        }

        private GgufTensorInfo readTensorInfo(String what, String name, int alignment) throws IOException {
            long dimensionsOffset = position();
            long dimensionCount = Integer.toUnsignedLong(readInt(what + " dimension count"));
            if (dimensionCount > GgufTensorInfo.MAX_DIMENSIONS) {
                throw fail(dimensionsOffset, what + " has " + dimensionCount + " dimensions; ggml allows at most "
                        + GgufTensorInfo.MAX_DIMENSIONS);
            }
            long[] dimensions = new long[(int) dimensionCount];
            long elements = 1;
            for (int d = 0; d < dimensions.length; d++) {
                long offset = position();
                dimensions[d] = readLong(what + " dimension " + d);
                if (dimensions[d] < 0) {
                    throw fail(offset, what + " dimension " + d + " is negative: " + dimensions[d]);
                }
                try {
                    elements = Math.multiplyExact(elements, dimensions[d]);
                } catch (ArithmeticException e) {
                    throw fail(offset, what + " has more than 2^63 elements: " + Arrays.toString(dimensions));
                }
            }
            long typeOffset = position();
            int typeId = readInt(what + " type");
            if (typeId < 0) {
                throw fail(typeOffset, what + " has negative type " + typeId);
            }
            Optional<GgufTensorType> type = GgufTensorType.byId(typeId);
            if (type.isPresent()) {
                long rowLength = dimensions.length > 0 ? dimensions[0] : 1;
                int blockSize = type.get().blockSize();
                if (rowLength % blockSize != 0) {
                    throw fail(typeOffset, what + " rows of " + rowLength + " elements are not whole blocks of "
                            + blockSize + " for type " + type.get());
                }
                try {
                    Math.multiplyExact(elements / blockSize, (long) type.get().typeSize());
                } catch (ArithmeticException e) {
                    throw fail(typeOffset, what + " data would exceed 2^63 bytes");
                }
            }
            long offsetOffset = position();
            long offset = readLong(what + " data offset");
            if (offset < 0 || offset % alignment != 0) {
                throw fail(offsetOffset, what + " data offset " + Long.toUnsignedString(offset)
                        + " is not a multiple of the alignment " + alignment);
            }
            return new GgufTensorInfo(name, dimensions, typeId, offset);
        }

        private GgufValue readValue(GgufValueType type, String what) throws IOException {
            return switch (type) {
                case UINT8 -> GgufValue.uint8(Byte.toUnsignedInt(readByte(what)));
                case INT8 -> GgufValue.int8(readByte(what));
                case UINT16 -> GgufValue.uint16(Short.toUnsignedInt(readShort(what)));
                case INT16 -> GgufValue.int16(readShort(what));
                case UINT32 -> GgufValue.uint32(Integer.toUnsignedLong(readInt(what)));
                case INT32 -> GgufValue.int32(readInt(what));
                case UINT64 -> GgufValue.uint64(readLong(what));
                case INT64 -> GgufValue.int64(readLong(what));
                case FLOAT32 -> GgufValue.float32(Float.intBitsToFloat(readInt(what)));
                case FLOAT64 -> GgufValue.float64(Double.longBitsToDouble(readLong(what)));
                case BOOL -> GgufValue.bool(readByte(what) != 0);
                case STRING -> GgufValue.string(readString(what, MAX_STRING_BYTES));
                case ARRAY -> GgufValue.array(readArray(what));
            };
        }

        private GgufArray readArray(String what) throws IOException {
            long typeOffset = position();
            int typeId = readInt(what + " element type");
            GgufValueType type = GgufValueType.byId(typeId)
                    .orElseThrow(() -> fail(typeOffset, what + " is an array of unknown type " + typeId));
            if (type == GgufValueType.ARRAY) {
                throw fail(typeOffset, what + " is an array of arrays, which GGUF does not allow");
            }
            long countOffset = position();
            long count = readLong(what + " element count");
            int minBytesEach = type == GgufValueType.STRING ? 8 : type.fixedSize();
            long remaining = fileSize - position();
            long allowed = headerLimit - position();
            if (count < 0 || count > remaining / minBytesEach) {
                throw fail(countOffset, what + " declares " + Long.toUnsignedString(count) + " elements of " + type
                        + ", more than the " + remaining + " remaining bytes of the file can hold");
            }
            if (count > allowed / minBytesEach) {
                throw fail(countOffset, what + " declares " + count + " elements of " + type
                        + ", which would take the header past the limit of " + headerLimit + " bytes");
            }
            int size = (int) count;
            if (type != GgufValueType.STRING) {
                return new GgufArray(type, size, readBytes(size * type.fixedSize(), what), null);
            }
            int[] ends = new int[size];
            byte[] data = new byte[Math.min(size * 8, BUFFER_BYTES)];
            int used = 0;
            for (int i = 0; i < size; i++) {
                long length = readStringLength(what, MAX_STRING_BYTES);
                require(length, what);
                if (used + length > data.length) {
                    data = Arrays.copyOf(data, (int) Math.min(Math.max(used + length, 2L * data.length),
                            MAX_HEADER_LIMIT));
                }
                readFully(data, used, (int) length, what);
                used += (int) length;
                ends[i] = used;
            }
            return new GgufArray(type, size, Arrays.copyOf(data, used), ends);
        }

        private String readString(String what, int maxBytes) throws IOException {
            int length = readStringLength(what, maxBytes);
            return new String(readBytes(length, what), StandardCharsets.UTF_8);
        }

        private int readStringLength(String what, int maxBytes) throws IOException {
            long offset = position();
            long length = readLong(what);
            if (length < 0 || length > maxBytes) {
                throw fail(offset, what + " declares a length of " + Long.toUnsignedString(length)
                        + " bytes; at most " + maxBytes + " are allowed");
            }
            return (int) length;
        }

        private byte readByte(String what) throws IOException {
            ensure(1, what);
            return buffer.get();
        }

        private short readShort(String what) throws IOException {
            ensure(2, what);
            return buffer.getShort();
        }

        private int readInt(String what) throws IOException {
            ensure(4, what);
            return buffer.getInt();
        }

        private long readLong(String what) throws IOException {
            ensure(8, what);
            return buffer.getLong();
        }

        private byte[] readBytes(int length, String what) throws IOException {
            require(length, what);
            byte[] bytes = new byte[length];
            readFully(bytes, 0, length, what);
            return bytes;
        }

        /** Reads {@code length} bytes, already checked with {@link #require}, from the buffer and then the file. */
        private void readFully(byte[] target, int offset, int length, String what) throws IOException {
            int fromBuffer = Math.min(length, buffer.remaining());
            buffer.get(target, offset, fromBuffer);
            if (fromBuffer == length) {
                return;
            }
            long filePosition = position();
            ByteBuffer rest = ByteBuffer.wrap(target, offset + fromBuffer, length - fromBuffer);
            while (rest.hasRemaining()) {
                if (channel.read(rest, filePosition + rest.position() - offset - fromBuffer) <= 0) {
                    throw fail(filePosition, what + ": the file ended early; did it change while being read?");
                }
            }
            bufferStart = filePosition + length - fromBuffer;
            buffer.clear().flip();
        }

        /** Makes {@code length} (at most the buffer size) bytes available in the buffer. */
        private void ensure(int length, String what) throws IOException {
            if (buffer.remaining() >= length) {
                return;
            }
            long start = position();
            require(length, what);
            buffer.compact();
            bufferStart = start;
            while (buffer.position() < length) {
                if (channel.read(buffer, bufferStart + buffer.position()) <= 0) {
                    throw fail(start, what + ": the file ended early; did it change while being read?");
                }
            }
            buffer.flip();
        }

        /** Checks that {@code length} more bytes exist in the file and stay within the header limit. */
        private void require(long length, String what) throws GgufFormatException {
            long offset = position();
            long remaining = fileSize - offset;
            if (length > remaining) {
                throw fail(offset, what + " needs " + length + " bytes but the file ends after " + remaining
                        + ": it is truncated or corrupt");
            }
            if (length > headerLimit - offset) {
                throw fail(offset, what + " would take the header past the limit of " + headerLimit + " bytes");
            }
        }

        private long position() {
            return bufferStart + buffer.position();
        }

        private GgufFormatException fail(long offset, String reason) {
            return new GgufFormatException(path, offset, reason);
        }
    }

    private static long alignUp(long offset, int alignment) {
        return (offset + alignment - 1) / alignment * alignment;
    }

    private static String hex(int littleEndian) {
        return String.format("0x%08X", Integer.reverseBytes(littleEndian));
    }

    /** A key or name from the file, quoted and made safe to print. */
    private static String quote(String text) {
        String shown = text.length() > 80 ? text.substring(0, 80) + "…" : text;
        StringBuilder quoted = new StringBuilder("'");
        shown.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                quoted.append(String.format("\\u%04x", c));
            } else {
                quoted.appendCodePoint(c);
            }
        });
        return quoted.append('\'').toString();
    }
}

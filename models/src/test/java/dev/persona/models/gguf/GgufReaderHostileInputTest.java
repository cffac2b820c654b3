package dev.persona.models.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every malformed file must end in a {@link GgufFormatException} that says where and why, quickly, and without
 * allocating what the file merely declares.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GgufReaderHostileInputTest {

    private static final long ABSURD = 1L << 62;

    @TempDir
    Path dir;

    private GgufFormatException rejected(GgufBytes bytes) throws IOException {
        return rejected(bytes.bytes(), new GgufReader());
    }

    private GgufFormatException rejected(byte[] bytes, GgufReader reader) throws IOException {
        Path path = Files.write(dir.resolve("hostile.gguf"), bytes);
        return assertThrows(GgufFormatException.class, () -> reader.read(path));
    }

    private static void assertReason(GgufFormatException e, String expected) {
        assertTrue(e.reason().contains(expected),
                () -> "reason '" + e.reason() + "' should contain '" + expected + "'");
        assertTrue(e.getMessage().contains("hostile.gguf"), e::getMessage);
    }

    @Test
    void everyTruncationIsDetected() throws IOException {
        Path whole = dir.resolve("whole.gguf");
        new GgufWriter()
                .put("general.architecture", GgufValue.string("llama"))
                .put("tokenizer.ggml.tokens", GgufValue.array(GgufArray.ofStrings(List.of("a", "bc", ""))))
                .put("tokenizer.ggml.scores", GgufValue.array(GgufArray.ofFloat32(1, 2, 3)))
                .put("llama.context_length", GgufValue.uint32(2048))
                .addF32Tensor("a.weight", new long[] {8}, new float[8])
                .addF16Tensor("b.weight", new long[] {16, 2}, new float[32])
                .write(whole);
        byte[] bytes = Files.readAllBytes(whole);
        GgufFile file = new GgufReader().read(whole);
        assertEquals(bytes.length, file.dataOffset() + 32 + 64, "the last tensor ends the file");

        for (int length = 0; length < bytes.length; length++) {
            GgufFormatException e = rejected(Arrays.copyOf(bytes, length), new GgufReader());
            assertTrue(e.offset() >= 0 && e.offset() <= bytes.length, "offset of cut at " + length);
        }
    }

    @Test
    void emptyAndTinyFiles() throws IOException {
        assertReason(rejected(new GgufBytes()), "too short");
        assertReason(rejected(new GgufBytes().raw(new byte[] {'G', 'G', 'U'})), "too short");
        assertReason(rejected(new GgufBytes().raw(new byte[] {'G', 'G', 'U', 'F', 3})), "truncated");
    }

    @Test
    void badMagic() throws IOException {
        GgufFormatException e = rejected(new GgufBytes().raw("GGML".getBytes()).i32(3).i64(0).i64(0));
        assertReason(e, "not a GGUF file");
        assertEquals(0, e.offset());
    }

    @Test
    void unsupportedVersions() throws IOException {
        assertReason(rejected(GgufBytes.header(1, 0, 0)), "version 1 is no longer supported");
        assertReason(rejected(GgufBytes.header(4, 0, 0)), "unsupported GGUF version 4");
        assertReason(rejected(GgufBytes.header(-1, 0, 0)), "unsupported GGUF version 4294967295");
        assertReason(rejected(GgufBytes.header(0x0300_0000, 0, 0)), "big-endian");
        assertEquals(4, rejected(GgufBytes.header(0, 0, 0)).offset());
    }

    @Test
    void versionTwoIsRead() throws IOException {
        Path path = GgufBytes.header(2, 0, 1).keyU32("llama.context_length", 512).writeTo(dir.resolve("v2.gguf"));
        assertEquals(2, new GgufReader().read(path).version());
    }

    @Test
    void absurdCounts() throws IOException {
        assertReason(rejected(GgufBytes.header(3, ABSURD, 0)), "tensor count 4611686018427387904 is impossible");
        assertReason(rejected(GgufBytes.header(3, -1, 0)), "tensor count 18446744073709551615 is impossible");
        assertReason(rejected(GgufBytes.header(3, 0, ABSURD)), "metadata key count");
        assertReason(rejected(GgufBytes.header(3, 0, -5)), "metadata key count");
        assertReason(rejected(GgufBytes.header(3, 0, 1_000_000).zeros(1000)), "metadata key count 1000000");
        Path sparse = GgufBytes.header(3, 300_000, 0).writeTo(dir.resolve("hostile.gguf"));
        try (RandomAccessFile file = new RandomAccessFile(sparse.toFile(), "rw")) {
            file.setLength(10_000_000);
        }
        assertReason(assertThrows(GgufFormatException.class, () -> new GgufReader().read(sparse)),
                "tensor count 300000");
    }

    @Test
    void absurdStringLengths() throws IOException {
        GgufFormatException key = rejected(GgufBytes.header(3, 0, 1).i64(ABSURD).zeros(16));
        assertReason(key, "key #0 declares a length of 4611686018427387904 bytes");
        assertEquals(24, key.offset());
        assertReason(rejected(GgufBytes.header(3, 0, 1).i64(-1).zeros(16)), "length of 18446744073709551615");
        assertReason(rejected(GgufBytes.header(3, 0, 1).str("k").i32(GgufValueType.STRING.id()).i64(ABSURD)),
                "value of 'k' declares a length");
        assertReason(rejected(GgufBytes.header(3, 0, 1).str("k").i32(GgufValueType.STRING.id()).i64(1000).zeros(10)),
                "needs 1000 bytes but the file ends after 10");
        assertReason(rejected(GgufBytes.header(3, 1, 0).i64(ABSURD).zeros(40)), "name of tensor #0");
    }

    @Test
    void absurdArrayCounts() throws IOException {
        GgufBytes start = GgufBytes.header(3, 0, 1).str("a").i32(GgufValueType.ARRAY.id());
        assertReason(rejected(start.i32(GgufValueType.UINT32.id()).i64(ABSURD).zeros(16)),
                "declares 4611686018427387904 elements of UINT32");
        start = GgufBytes.header(3, 0, 1).str("a").i32(GgufValueType.ARRAY.id());
        assertReason(rejected(start.i32(GgufValueType.UINT8.id()).i64(-1)), "declares 18446744073709551615 elements");
        start = GgufBytes.header(3, 0, 1).str("a").i32(GgufValueType.ARRAY.id());
        assertReason(rejected(start.i32(GgufValueType.UINT32.id()).i64(1000).zeros(3996)), "more than the 3996");
        start = GgufBytes.header(3, 0, 1).str("a").i32(GgufValueType.ARRAY.id());
        assertReason(rejected(start.i32(GgufValueType.STRING.id()).i64(100_000_000L).zeros(1000)),
                "elements of STRING");
        start = GgufBytes.header(3, 0, 1).str("a").i32(GgufValueType.ARRAY.id());
        assertReason(rejected(start.i32(GgufValueType.STRING.id()).i64(2).i64(1).u8('x').i64(ABSURD)),
                "declares a length");
    }

    @Test
    void badValueTypes() throws IOException {
        assertReason(rejected(GgufBytes.header(3, 0, 1).str("k").i32(13).zeros(8)), "unknown value type 13");
        assertReason(rejected(GgufBytes.header(3, 0, 1).str("k").i32(-1).zeros(8)), "unknown value type -1");
        assertReason(rejected(GgufBytes.header(3, 0, 1).str("k").i32(GgufValueType.ARRAY.id())
                .i32(GgufValueType.ARRAY.id()).i64(1).zeros(16)), "array of arrays");
        assertReason(rejected(GgufBytes.header(3, 0, 1).str("k").i32(GgufValueType.ARRAY.id()).i32(77).i64(0)),
                "array of unknown type 77");
    }

    @Test
    void badKeys() throws IOException {
        assertReason(rejected(GgufBytes.header(3, 0, 1).str("").i32(GgufValueType.UINT8.id()).u8(1).zeros(8)),
                "is empty");
        assertReason(rejected(GgufBytes.header(3, 0, 2).keyU32("k", 1).keyU32("k", 2)), "duplicate key 'k'");
        assertReason(rejected(GgufBytes.header(3, 0, 2).keyU32("x\u0007y", 1).keyU32("x\u0007y", 2)),
                "duplicate key 'x\\u0007y'");
    }

    @Test
    void badAlignment() throws IOException {
        assertReason(rejected(GgufBytes.header(3, 0, 1).keyU32("general.alignment", 48)), "not a power of two");
        assertReason(rejected(GgufBytes.header(3, 0, 1).keyU32("general.alignment", 0)), "not a power of two");
        assertReason(rejected(GgufBytes.header(3, 0, 1).str("general.alignment").i32(GgufValueType.UINT64.id())
                .i64(32)), "must be UINT32");
    }

    @Test
    void badTensorDimensions() throws IOException {
        assertReason(rejected(GgufBytes.header(3, 1, 0).tensor("t", 0, 0, 1, 1, 1, 1, 1).zeros(64)),
                "tensor 't' has 5 dimensions");
        assertReason(rejected(GgufBytes.header(3, 1, 0).str("t").i32(-1).zeros(64)), "has 4294967295 dimensions");
        assertReason(rejected(GgufBytes.header(3, 1, 0).tensor("t", 0, 0, 4, -2).zeros(64)),
                "dimension 1 is negative: -2");
        assertReason(rejected(GgufBytes.header(3, 1, 0).tensor("t", 0, 0, 1L << 32, 1L << 32).zeros(64)),
                "more than 2^63 elements");
        assertReason(rejected(GgufBytes.header(3, 1, 0).tensor("t", GgufTensorType.F64.id(), 0, 1L << 61).zeros(64)),
                "exceed 2^63 bytes");
        assertReason(rejected(GgufBytes.header(3, 1, 0).tensor("t", 0, 0, 1L << 40).zeros(64)),
                "ends past the end");
        assertReason(rejected(GgufBytes.header(3, 1, 0).tensor("t", GgufTensorType.Q4_0.id(), 0, 16).zeros(64)),
                "not whole blocks of 32");
    }

    @Test
    void badTensorTypesAndOffsets() throws IOException {
        assertReason(rejected(GgufBytes.header(3, 1, 0).tensor("t", -3, 0, 4).zeros(64)), "negative type -3");
        assertReason(rejected(GgufBytes.header(3, 1, 0).tensor("t", 0, 16, 4).zeros(64)),
                "not a multiple of the alignment 32");
        assertReason(rejected(GgufBytes.header(3, 1, 0).tensor("t", 0, -32, 4).zeros(64)),
                "data offset 18446744073709551584");
        assertReason(rejected(GgufBytes.header(3, 1, 0).tensor("t", 0, ABSURD, 4).zeros(64)), "ends past the end");
        assertReason(rejected(GgufBytes.header(3, 2, 0).tensor("t", 0, 0, 4).tensor("t", 0, 32, 4).zeros(64)),
                "duplicate tensor name 't'");
    }

    @Test
    void unknownTensorTypesAreKept() throws IOException {
        byte[] header = GgufBytes.header(3, 1, 0).tensor("future", 999, 0, 4, 4).bytes();
        byte[] file = Arrays.copyOf(header, 64 + 32);
        Path path = Files.write(dir.resolve("future.gguf"), file);

        GgufTensorInfo tensor = new GgufReader().read(path).tensors().get(0);

        assertEquals(999, tensor.typeId());
        assertEquals(Optional.empty(), tensor.type());
        assertEquals(16, tensor.elementCount());
    }

    @Test
    void headerLimitIsEnforced() throws IOException {
        GgufBytes big = GgufBytes.header(3, 0, 1).str("k").i32(GgufValueType.STRING.id()).str("x".repeat(5000));
        assertReason(rejected(big.bytes(), new GgufReader(1024)), "past the limit of 1024 bytes");
        GgufBytes array = GgufBytes.header(3, 0, 1).str("k").i32(GgufValueType.ARRAY.id())
                .i32(GgufValueType.UINT8.id()).i64(5000).zeros(5000);
        assertReason(rejected(array.bytes(), new GgufReader(1024)), "past the limit of 1024 bytes");
    }

    @Test
    void directoriesAreNotFormatErrors() {
        IOException e = assertThrows(IOException.class, () -> new GgufReader().read(dir));
        assertTrue(!(e instanceof GgufFormatException) && e.getMessage().contains("not a regular file"));
    }
}

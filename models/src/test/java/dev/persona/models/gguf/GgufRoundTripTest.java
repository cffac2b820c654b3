package dev.persona.models.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufRoundTripTest {

    @TempDir
    Path dir;

    private static GgufWriter everyValueType() {
        return new GgufWriter()
                .put("general.architecture", GgufValue.string("llama"))
                .put("general.name", GgufValue.string("héllo ✓ model"))
                .put("llama.context_length", GgufValue.uint32(4096))
                .put("general.file_type", GgufValue.uint32(15))
                .put("tokenizer.ggml.model", GgufValue.string("gpt2"))
                .put("tokenizer.chat_template", GgufValue.string("{{ messages }}"))
                .put("u8", GgufValue.uint8(255))
                .put("i8", GgufValue.int8(-128))
                .put("u16", GgufValue.uint16(65535))
                .put("i16", GgufValue.int16(-32768))
                .put("u32", GgufValue.uint32(0xFFFF_FFFFL))
                .put("i32", GgufValue.int32(Integer.MIN_VALUE))
                .put("u64", GgufValue.uint64(-1))
                .put("i64", GgufValue.int64(Long.MIN_VALUE))
                .put("f32", GgufValue.float32(-1.5e-7f))
                .put("f32.nan", GgufValue.float32(Float.NaN))
                .put("f64", GgufValue.float64(Math.PI))
                .put("true", GgufValue.bool(true))
                .put("false", GgufValue.bool(false))
                .put("empty", GgufValue.string(""))
                .put("a.u8", GgufValue.array(GgufArray.of(GgufValueType.UINT8, 0, 1, 255)))
                .put("a.i8", GgufValue.array(GgufArray.of(GgufValueType.INT8, -128, 127)))
                .put("a.u16", GgufValue.array(GgufArray.of(GgufValueType.UINT16, 65535)))
                .put("a.i16", GgufValue.array(GgufArray.of(GgufValueType.INT16, -1, 2, -3)))
                .put("a.u32", GgufValue.array(GgufArray.of(GgufValueType.UINT32, 0xFFFF_FFFFL, 7)))
                .put("a.i32", GgufValue.array(GgufArray.of(GgufValueType.INT32, -5, 5)))
                .put("a.u64", GgufValue.array(GgufArray.of(GgufValueType.UINT64, -1L)))
                .put("a.i64", GgufValue.array(GgufArray.of(GgufValueType.INT64, Long.MAX_VALUE, Long.MIN_VALUE)))
                .put("a.bool", GgufValue.array(GgufArray.of(GgufValueType.BOOL, 1, 0, 1)))
                .put("a.f32", GgufValue.array(GgufArray.ofFloat32(0.5f, -0f, Float.MAX_VALUE)))
                .put("a.f64", GgufValue.array(GgufArray.ofFloat64(1e300, -2)))
                .put("a.str", GgufValue.array(GgufArray.ofStrings(List.of("<s>", "", "▁hello", "日本"))))
                .put("a.empty", GgufValue.array(GgufArray.ofStrings(List.of())))
                .addF32Tensor("norm.weight", new long[] {3, 2}, new float[] {1, 2, 3, 4, 5, 6})
                .addF16Tensor("embed.weight", new long[] {5}, new float[] {0.5f, -1, 2, 0, 65504})
                .addTensor("q8.weight", GgufTensorType.Q8_0, new long[] {32}, bytes(34))
                .addTensor("empty.weight", GgufTensorType.F32, new long[] {0, 4}, new byte[0]);
    }

    @Test
    void readsBackWhatWasWritten() throws IOException {
        GgufWriter writer = everyValueType();
        Path path = dir.resolve("all.gguf");
        writer.write(path);

        GgufFile file = new GgufReader().read(path);

        assertEquals(3, file.version());
        assertEquals(32, file.alignment());
        assertEquals(Files.size(path), file.fileSize());
        assertEquals(0, file.dataOffset() % 32);
        assertEquals(33, file.metadata().size());
        assertEquals(GgufValue.uint8(255), file.metadata().get("u8").orElseThrow());
        assertEquals(-1L, file.metadata().getLong("u64").getAsLong());
        assertEquals(0xFFFF_FFFFL, file.metadata().getLong("u32").getAsLong());
        assertTrue(Float.isNaN((float) file.metadata().get("f32.nan").orElseThrow().asDouble()));
        GgufArray strings = file.metadata().getArray("a.str").orElseThrow();
        assertEquals(List.of("<s>", "", "▁hello", "日本"), List.of(strings.getString(0), strings.getString(1),
                strings.getString(2), strings.getString(3)));
        assertEquals(65535, file.metadata().getArray("a.u16").orElseThrow().getLong(0));
        assertEquals(-3, file.metadata().getArray("a.i16").orElseThrow().getLong(2));
        assertEquals(Float.MAX_VALUE, file.metadata().getArray("a.f32").orElseThrow().getDouble(2));

        assertEquals(Optional.of("llama"), file.architecture());
        assertEquals(Optional.of("héllo ✓ model"), file.name());
        assertEquals(OptionalLong.of(4096), file.contextLength());
        assertEquals(Optional.of(LlamaFileType.Q4_K_M), file.fileType());
        assertEquals(Optional.of("Q4_K_M"), file.fileTypeName());
        assertEquals(Optional.of("gpt2"), file.tokenizerModel());
        assertEquals(Optional.of("{{ messages }}"), file.chatTemplate());
        assertEquals(4, file.tensorCount());
        assertEquals(6 + 5 + 32 + 0, file.parameterCount());
    }

    @Test
    void keepsEveryValueAndTheKeyOrder() throws IOException {
        Path first = dir.resolve("first.gguf");
        everyValueType().write(first);
        GgufFile read = new GgufReader().read(first);

        GgufWriter copy = new GgufWriter();
        read.metadata().asMap().forEach(copy::put);
        Path second = dir.resolve("second.gguf");
        copy.write(second);
        GgufFile reread = new GgufReader().read(second);

        assertEquals(new ArrayList<>(read.metadata().asMap().keySet()),
                new ArrayList<>(reread.metadata().asMap().keySet()));
        assertEquals(read.metadata().asMap(), reread.metadata().asMap());
    }

    @Test
    void placesTensorDataAtAlignedOffsets() throws IOException {
        Path path = dir.resolve("tensors.gguf");
        everyValueType().write(path);
        GgufFile file = new GgufReader().read(path);
        byte[] all = Files.readAllBytes(path);

        List<GgufTensorInfo> tensors = file.tensors();
        assertEquals(List.of("norm.weight", "embed.weight", "q8.weight", "empty.weight"),
                tensors.stream().map(GgufTensorInfo::name).toList());
        assertArrayEquals(new long[] {3, 2}, tensors.get(0).dimensions());
        assertEquals(Optional.of(GgufTensorType.F16), tensors.get(1).type());
        assertEquals(List.of(0L, 32L, 64L, 128L), tensors.stream().map(GgufTensorInfo::offset).toList());

        int norm = (int) file.dataOffset();
        assertEquals(6f, Float.intBitsToFloat(littleEndianInt(all, norm + 20)));
        int embed = (int) (file.dataOffset() + tensors.get(1).offset());
        assertEquals(65504f, HalfFloat.toFloat((short) ((all[embed + 8] & 0xFF) | all[embed + 9] << 8)));
        int q8 = (int) (file.dataOffset() + tensors.get(2).offset());
        assertArrayEquals(bytes(34), Arrays.copyOfRange(all, q8, q8 + 34));
    }

    @Test
    void honoursACustomAlignment() throws IOException {
        Path path = dir.resolve("aligned.gguf");
        new GgufWriter()
                .put("general.alignment", GgufValue.uint32(256))
                .addF32Tensor("a", new long[] {3}, new float[] {1, 2, 3})
                .addF32Tensor("b", new long[] {1}, new float[] {4})
                .write(path);

        GgufFile file = new GgufReader().read(path);

        assertEquals(256, file.alignment());
        assertEquals(256, file.dataOffset());
        assertEquals(256, file.tensors().get(1).offset());
        assertEquals(256 + 512, file.fileSize());
    }

    @Test
    void readsAFileWithoutTensors() throws IOException {
        Path path = dir.resolve("vocab.gguf");
        new GgufWriter().put("tokenizer.ggml.model", GgufValue.string("llama")).write(path);

        GgufFile file = new GgufReader().read(path);

        assertEquals(0, file.tensorCount());
        assertEquals(0, file.parameterCount());
        assertEquals(Optional.empty(), file.architecture());
        assertEquals(OptionalLong.empty(), file.contextLength());
        assertEquals(Optional.empty(), file.fileTypeName());
    }

    @Test
    void namesUnknownFileTypes() throws IOException {
        Path path = dir.resolve("odd.gguf");
        new GgufWriter().put("general.file_type", GgufValue.uint32(99)).write(path);

        assertEquals(Optional.of("unknown (99)"), new GgufReader().read(path).fileTypeName());
    }

    @Test
    void writerRefusesInconsistentInput() {
        GgufWriter writer = new GgufWriter().addF32Tensor("x", new long[] {2}, new float[] {1, 2});
        assertThrows(IllegalArgumentException.class, () -> writer.addF32Tensor("x", new long[] {1}, new float[] {1}));
        assertThrows(IllegalArgumentException.class, () -> writer.addF32Tensor("y", new long[] {3}, new float[] {1}));
        assertThrows(IllegalArgumentException.class,
                () -> writer.addF32Tensor("z", new long[] {1, 1, 1, 1, 1}, new float[] {1}));
        assertThrows(IllegalArgumentException.class,
                () -> writer.addTensor("q", GgufTensorType.Q4_0, new long[] {16}, new byte[9]));
        assertThrows(IllegalArgumentException.class, () -> writer.put("general.alignment", GgufValue.uint32(48)));
        assertThrows(IllegalArgumentException.class, () -> writer.put("general.alignment", GgufValue.uint64(64)));
        assertThrows(IllegalArgumentException.class, () -> GgufValue.uint8(256));
        assertThrows(IllegalArgumentException.class, () -> GgufArray.of(GgufValueType.BOOL, 2));
        assertThrows(IllegalArgumentException.class, () -> GgufArray.of(GgufValueType.FLOAT32, 1));
    }

    private static byte[] bytes(int count) {
        byte[] bytes = new byte[count];
        for (int i = 0; i < count; i++) {
            bytes[i] = (byte) (i * 7 + 1);
        }
        return bytes;
    }

    private static int littleEndianInt(byte[] bytes, int offset) {
        return (bytes[offset] & 0xFF) | (bytes[offset + 1] & 0xFF) << 8 | (bytes[offset + 2] & 0xFF) << 16
                | (bytes[offset + 3] & 0xFF) << 24;
    }
}

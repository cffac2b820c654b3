package dev.persona.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona.models.gguf.GgufFile;
import dev.persona.models.gguf.GgufReader;
import dev.persona.models.gguf.GgufTensorInfo;
import dev.persona.models.gguf.GgufTensorType;
import dev.persona.models.gguf.GgufValue;
import dev.persona.models.gguf.GgufWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TinyModelGeneratorTest {

    @TempDir
    Path dir;

    @Test
    void sameSeedGivesIdenticalBytes() throws IOException {
        Path vocab = SyntheticVocabulary.write(dir.resolve("vocab.gguf"));
        Path first = dir.resolve("first.gguf");
        Path second = dir.resolve("second.gguf");
        Path other = dir.resolve("other.gguf");

        TinyModelGenerator.generate(vocab, first, 7);
        TinyModelGenerator.generate(vocab, second, 7);
        TinyModelGenerator.generate(vocab, other, 8);

        assertEquals(-1, Files.mismatch(first, second));
        assertEquals(Files.size(first), Files.size(other));
        assertNotEquals(-1, Files.mismatch(first, other));
    }

    @Test
    void writesTheLlamaModelLlamaCppExpects() throws IOException {
        Path vocab = SyntheticVocabulary.write(dir.resolve("vocab.gguf"));
        Path model = dir.resolve("tiny.gguf");

        TinyModelGenerator.generate(vocab, model, TinyModelGenerator.DEFAULT_SEED);
        GgufFile file = new GgufReader().read(model);

        assertEquals(Optional.of("llama"), file.architecture());
        assertEquals(Optional.of("persona-tiny"), file.name());
        assertEquals(OptionalLong.of(131072), file.contextLength());
        assertEquals(Optional.of("F16"), file.fileTypeName());
        assertEquals(Optional.of("llama"), file.tokenizerModel());
        assertEquals(Optional.of(SyntheticVocabulary.CHAT_TEMPLATE), file.chatTemplate());
        for (String key : new String[] {"llama.embedding_length", "llama.block_count", "llama.feed_forward_length",
                "llama.attention.head_count", "llama.attention.head_count_kv", "llama.rope.dimension_count"}) {
            assertTrue(file.metadata().getLong(key).isPresent(), key);
        }
        assertEquals(OptionalLong.of(SyntheticVocabulary.SIZE), file.metadata().getLong("llama.vocab_size"));
        assertTrue(file.metadata().get("llama.attention.layer_norm_rms_epsilon").isPresent());
        assertTrue(file.metadata().get("phi3.context_length").isEmpty(), "only tokenizer.* keys are copied");

        int layerParameters = 64 + 4 * 64 * 64 + 64 + 3 * 64 * 128;
        assertEquals(2 + 2 * 9, file.tensorCount());
        assertEquals(64L * SyntheticVocabulary.SIZE + 64 + 2 * layerParameters, file.parameterCount());
        Map<String, GgufTensorInfo> tensors = file.tensors().stream()
                .collect(Collectors.toMap(GgufTensorInfo::name, tensor -> tensor));
        assertArrayEquals(new long[] {64, SyntheticVocabulary.SIZE}, tensors.get("token_embd.weight").dimensions());
        assertArrayEquals(new long[] {128, 64}, tensors.get("blk.1.ffn_down.weight").dimensions());
        assertArrayEquals(new long[] {64, 128}, tensors.get("blk.0.ffn_gate.weight").dimensions());
        assertEquals(Optional.of(GgufTensorType.F32), tensors.get("output_norm.weight").type());
        assertEquals(Optional.of(GgufTensorType.F16), tensors.get("blk.0.attn_q.weight").type());
        assertTrue(!tensors.containsKey("output.weight"), "the output matrix is tied to the token embedding");
    }

    @Test
    void writesTheShapeItIsGiven() throws IOException {
        Path vocab = SyntheticVocabulary.write(dir.resolve("vocab.gguf"));
        Path model = dir.resolve("shaped.gguf");
        TinyModelGenerator.Shape shape = new TinyModelGenerator.Shape("persona-shaped", 96, 3, 6, 2, 160, 512);

        TinyModelGenerator.generate(vocab, model, 5, shape);
        GgufFile file = new GgufReader().read(model);

        assertEquals(Optional.of("persona-shaped"), file.name());
        assertEquals(OptionalLong.of(512), file.contextLength());
        assertEquals(OptionalLong.of(3), file.metadata().getLong("llama.block_count"));
        assertEquals(OptionalLong.of(2), file.metadata().getLong("llama.attention.head_count_kv"));
        int kvWidth = 96 / 6 * 2;
        int layerParameters = 96 + 2 * 96 * 96 + 2 * 96 * kvWidth + 96 + 3 * 96 * 160;
        assertEquals(96L * SyntheticVocabulary.SIZE + 96 + 3 * layerParameters, file.parameterCount());
        Map<String, GgufTensorInfo> tensors = file.tensors().stream()
                .collect(Collectors.toMap(GgufTensorInfo::name, tensor -> tensor));
        assertArrayEquals(new long[] {96, kvWidth}, tensors.get("blk.2.attn_k.weight").dimensions());
        assertEquals(file.dataOffset() + file.tensors().get(file.tensors().size() - 1).offset() + 96 * 4,
                Files.size(model), "every tensor's data is written where its description says");
        assertThrows(IllegalArgumentException.class,
                () -> new TinyModelGenerator.Shape("odd", 100, 1, 3, 3, 10, 10), "100 is not 3 heads wide");
    }

    @Test
    void copiesEveryTokenizerKeyUnchanged() throws IOException {
        Path vocab = SyntheticVocabulary.write(dir.resolve("vocab.gguf"));
        Path model = dir.resolve("tiny.gguf");

        TinyModelGenerator.generate(vocab, model, 1);

        assertEquals(tokenizerKeys(new GgufReader().read(vocab)), tokenizerKeys(new GgufReader().read(model)));
    }

    @Test
    void weightsAreSmallAndVaried() throws IOException {
        Path vocab = SyntheticVocabulary.write(dir.resolve("vocab.gguf"));
        Path model = dir.resolve("tiny.gguf");
        TinyModelGenerator.generate(vocab, model, 3);
        GgufFile file = new GgufReader().read(model);
        GgufTensorInfo embedding = file.tensors().stream().filter(t -> t.name().equals("token_embd.weight"))
                .findFirst().orElseThrow();
        byte[] bytes = Files.readAllBytes(model);

        int start = (int) (file.dataOffset() + embedding.offset());
        int distinct = (int) java.util.stream.IntStream.range(0, 1000)
                .map(i -> (bytes[start + 2 * i] & 0xFF) | (bytes[start + 2 * i + 1] & 0xFF) << 8)
                .peek(half -> assertTrue((half & 0x7FFF) <= 0x3000, "|weight| <= 0.125"))
                .distinct().count();
        assertTrue(distinct > 500, "weights vary: " + distinct + " distinct of 1000");
    }

    @Test
    void refusesAFileWithoutTokens() throws IOException {
        Path notVocab = dir.resolve("not-vocab.gguf");
        new GgufWriter().put("general.architecture", GgufValue.string("llama")).write(notVocab);

        IOException e = assertThrows(IOException.class,
                () -> TinyModelGenerator.generate(notVocab, dir.resolve("out.gguf"), 1));
        assertTrue(e.getMessage().contains("tokenizer.ggml.tokens"), e.getMessage());
    }

    private static Map<String, GgufValue> tokenizerKeys(GgufFile file) {
        return file.metadata().asMap().entrySet().stream()
                .filter(entry -> entry.getKey().startsWith("tokenizer."))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
    }
}

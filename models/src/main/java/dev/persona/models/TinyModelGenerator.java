package dev.persona.models;

import dev.persona.models.gguf.GgufArray;
import dev.persona.models.gguf.GgufFile;
import dev.persona.models.gguf.GgufReader;
import dev.persona.models.gguf.GgufValue;
import dev.persona.models.gguf.GgufValueType;
import dev.persona.models.gguf.GgufWriter;
import dev.persona.models.gguf.LlamaFileType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Generates the tiny test model: a llama-architecture network (64 wide, 2 layers, 4 heads, feed-forward 128,
 * context 131072) with pseudo-random F16 weights, wearing the tokenizer and chat template of a vocabulary-only GGUF
 * such as llama.cpp's {@code models/ggml-vocab-phi-3.gguf}. It talks gibberish, but llama-server loads it in a
 * blink and streams thousands of tokens per second, so tests exercise the real server. The output matrix is tied
 * to the token embedding, which keeps the file near 5 MB; the same seed gives the same bytes on every machine.
 */
public final class TinyModelGenerator {

    /** Seed used when none is given. */
    public static final long DEFAULT_SEED = 42;

    static final String NAME = "persona-tiny";
    static final int EMBEDDING = 64;
    static final int LAYERS = 2;
    static final int HEADS = 4;
    static final int KV_HEADS = 4;
    static final int FEED_FORWARD = 128;
    /**
     * The trained context it declares. llama-server caps a slot's context at this, so it is large: tests that need
     * an answer still streaming seconds later (the console ends one) get it from a long context, since the model
     * itself streams a 2 048-token answer in about a second.
     */
    static final int CONTEXT = 131072;

    private TinyModelGenerator() {
    }

    /**
     * Writes the tiny model to {@code output}, copying every {@code tokenizer.*} key of {@code vocabulary}.
     *
     * @throws IOException if the vocabulary cannot be read or has no token list, or the output cannot be written
     */
    public static void generate(Path vocabulary, Path output, long seed) throws IOException {
        GgufFile vocab = new GgufReader().read(vocabulary);
        GgufArray tokens = vocab.metadata().getArray("tokenizer.ggml.tokens")
                .filter(array -> array.elementType() == GgufValueType.STRING && array.size() > 0)
                .orElseThrow(() -> new IOException(vocabulary + " has no tokenizer.ggml.tokens string array;"
                        + " expected a vocabulary GGUF such as llama.cpp's models/ggml-vocab-phi-3.gguf"));
        int vocabSize = tokens.size();
        int headDimension = EMBEDDING / HEADS;

        GgufWriter writer = new GgufWriter()
                .put("general.architecture", GgufValue.string("llama"))
                .put("general.name", GgufValue.string(NAME))
                .put("general.file_type", GgufValue.uint32(LlamaFileType.F16.id()))
                .put("llama.vocab_size", GgufValue.uint32(vocabSize))
                .put("llama.context_length", GgufValue.uint32(CONTEXT))
                .put("llama.embedding_length", GgufValue.uint32(EMBEDDING))
                .put("llama.block_count", GgufValue.uint32(LAYERS))
                .put("llama.feed_forward_length", GgufValue.uint32(FEED_FORWARD))
                .put("llama.attention.head_count", GgufValue.uint32(HEADS))
                .put("llama.attention.head_count_kv", GgufValue.uint32(KV_HEADS))
                .put("llama.attention.layer_norm_rms_epsilon", GgufValue.float32(1e-5f))
                .put("llama.rope.dimension_count", GgufValue.uint32(headDimension))
                .put("llama.rope.freq_base", GgufValue.float32(10000f));
        vocab.metadata().asMap().forEach((key, value) -> {
            if (key.startsWith("tokenizer.")) {
                writer.put(key, value);
            }
        });

        Weights weights = new Weights(seed);
        int kvWidth = headDimension * KV_HEADS;
        writer.addF16Tensor("token_embd.weight", dims(EMBEDDING, vocabSize), weights.matrix(EMBEDDING, vocabSize));
        for (int layer = 0; layer < LAYERS; layer++) {
            String block = "blk." + layer + ".";
            writer.addF32Tensor(block + "attn_norm.weight", dims(EMBEDDING), ones(EMBEDDING))
                    .addF16Tensor(block + "attn_q.weight", dims(EMBEDDING, EMBEDDING),
                            weights.matrix(EMBEDDING, EMBEDDING))
                    .addF16Tensor(block + "attn_k.weight", dims(EMBEDDING, kvWidth), weights.matrix(EMBEDDING, kvWidth))
                    .addF16Tensor(block + "attn_v.weight", dims(EMBEDDING, kvWidth), weights.matrix(EMBEDDING, kvWidth))
                    .addF16Tensor(block + "attn_output.weight", dims(EMBEDDING, EMBEDDING),
                            weights.matrix(EMBEDDING, EMBEDDING))
                    .addF32Tensor(block + "ffn_norm.weight", dims(EMBEDDING), ones(EMBEDDING))
                    .addF16Tensor(block + "ffn_gate.weight", dims(EMBEDDING, FEED_FORWARD),
                            weights.matrix(EMBEDDING, FEED_FORWARD))
                    .addF16Tensor(block + "ffn_up.weight", dims(EMBEDDING, FEED_FORWARD),
                            weights.matrix(EMBEDDING, FEED_FORWARD))
                    .addF16Tensor(block + "ffn_down.weight", dims(FEED_FORWARD, EMBEDDING),
                            weights.matrix(FEED_FORWARD, EMBEDDING));
        }
        writer.addF32Tensor("output_norm.weight", dims(EMBEDDING), ones(EMBEDDING));
        writer.write(output);
    }

    /**
     * {@code TinyModelGenerator <vocabulary.gguf> <output.gguf> [seed]}: prints the absolute path of the model
     * on stdout; exits with 2 on bad arguments and 1 when generation fails.
     */
    public static void main(String[] args) {
        Long seed = args.length == 2 ? Long.valueOf(DEFAULT_SEED) : args.length == 3 ? parseSeed(args[2]) : null;
        if (seed == null) {
            System.err.println("usage: TinyModelGenerator <vocabulary.gguf> <output.gguf> [seed]");
            System.err.println("  vocabulary: a vocabulary GGUF, e.g. llama.cpp's models/ggml-vocab-phi-3.gguf"
                    + " (scripts/build-llama-server.sh --source-dir prints where the source is)");
            System.exit(2);
        }
        Path output = Path.of(args[1]).toAbsolutePath();
        try {
            generate(Path.of(args[0]), output, seed);
            System.err.println("wrote " + Files.size(output) + " bytes (seed " + seed + ")");
            System.out.println(output);
        } catch (IOException e) {
            String reason = e instanceof NoSuchFileException ? "no such file: " + e.getMessage() : e.getMessage();
            System.err.println("cannot generate the tiny model: " + reason);
            System.exit(1);
        }
    }

    private static Long parseSeed(String text) {
        try {
            return Long.valueOf(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static long[] dims(long... dimensions) {
        return dimensions;
    }

    private static float[] ones(int count) {
        float[] values = new float[count];
        Arrays.fill(values, 1f);
        return values;
    }

    /** Uniform weights in ±1/√fan-in from SplitMix64, whose output is fixed by its definition, not by the JDK. */
    private static final class Weights {

        private long state;

        Weights(long seed) {
            state = seed;
        }

        /** A matrix with rows of {@code rowLength} (the fan-in) elements, {@code rows} of them. */
        float[] matrix(int rowLength, int rows) {
            float scale = (float) (1 / Math.sqrt(rowLength));
            float[] values = new float[Math.multiplyExact(rowLength, rows)];
            for (int i = 0; i < values.length; i++) {
                values[i] = scale * ((nextLong() >>> 40) * 0x1p-23f - 1f);
            }
            return values;
        }

        private long nextLong() {
            long z = state += 0x9E37_79B9_7F4A_7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
            return z ^ (z >>> 31);
        }
    }
}

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
 * Generates the test models: llama-architecture networks with pseudo-random F16 weights, wearing the tokenizer and
 * chat template of a vocabulary-only GGUF such as llama.cpp's {@code models/ggml-vocab-phi-3.gguf} (or of a model
 * generated before). They talk gibberish, but llama-server loads them, so tests exercise the real server.
 * {@link Shape#TINY} (64 wide, 2 layers, near 5 MB) loads in a blink and streams thousands of tokens per second;
 * {@link Shape#SMALL} (768 wide, 12 layers, about 263 MiB) has the size of a real small model, for tests of what
 * real files do to uploads, memory and disks. The output matrix is tied to the token embedding; the same seed and
 * shape give the same bytes on every machine, and the writer asks for each tensor's weights only when it writes
 * them, so generating the large shape holds one tensor in memory at a time.
 */
public final class TinyModelGenerator {

    /** Seed used when none is given. */
    public static final long DEFAULT_SEED = 42;

    /**
     * A network's size. The trained context is large for the tiny shape: llama-server caps a slot's context at it,
     * and tests that need an answer still streaming seconds later (the console ends one) get it from a long
     * context, since the tiny model streams a 2 048-token answer in about a second.
     */
    public record Shape(String name, int embedding, int layers, int heads, int kvHeads, int feedForward, int context) {

        /** The model every test runs against: about 5 MB with the phi-3 vocabulary. */
        public static final Shape TINY = new Shape("persona-tiny", 64, 2, 4, 4, 128, 131072);
        /** A model of a real small model's size: about 138 M parameters, 263 MiB with the phi-3 vocabulary. */
        public static final Shape SMALL = new Shape("persona-small", 768, 12, 12, 12, 3072, 4096);

        public Shape {
            if (embedding <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || feedForward <= 0 || context <= 0
                    || embedding % heads != 0 || heads % kvHeads != 0) {
                throw new IllegalArgumentException("not a llama shape: " + this);
            }
        }
    }

    private TinyModelGenerator() {
    }

    /** Writes the tiny model ({@link Shape#TINY}); see {@link #generate(Path, Path, long, Shape)}. */
    public static void generate(Path vocabulary, Path output, long seed) throws IOException {
        generate(vocabulary, output, seed, Shape.TINY);
    }

    /**
     * Writes a model of {@code shape} to {@code output}, copying every {@code tokenizer.*} key of
     * {@code vocabulary}.
     *
     * @throws IOException if the vocabulary cannot be read or has no token list, or the output cannot be written
     */
    public static void generate(Path vocabulary, Path output, long seed, Shape shape) throws IOException {
        GgufFile vocab = new GgufReader().read(vocabulary);
        GgufArray tokens = vocab.metadata().getArray("tokenizer.ggml.tokens")
                .filter(array -> array.elementType() == GgufValueType.STRING && array.size() > 0)
                .orElseThrow(() -> new IOException(vocabulary + " has no tokenizer.ggml.tokens string array;"
                        + " expected a vocabulary GGUF such as llama.cpp's models/ggml-vocab-phi-3.gguf"));
        int vocabSize = tokens.size();
        int headDimension = shape.embedding() / shape.heads();

        GgufWriter writer = new GgufWriter()
                .put("general.architecture", GgufValue.string("llama"))
                .put("general.name", GgufValue.string(shape.name()))
                .put("general.file_type", GgufValue.uint32(LlamaFileType.F16.id()))
                .put("llama.vocab_size", GgufValue.uint32(vocabSize))
                .put("llama.context_length", GgufValue.uint32(shape.context()))
                .put("llama.embedding_length", GgufValue.uint32(shape.embedding()))
                .put("llama.block_count", GgufValue.uint32(shape.layers()))
                .put("llama.feed_forward_length", GgufValue.uint32(shape.feedForward()))
                .put("llama.attention.head_count", GgufValue.uint32(shape.heads()))
                .put("llama.attention.head_count_kv", GgufValue.uint32(shape.kvHeads()))
                .put("llama.attention.layer_norm_rms_epsilon", GgufValue.float32(1e-5f))
                .put("llama.rope.dimension_count", GgufValue.uint32(headDimension))
                .put("llama.rope.freq_base", GgufValue.float32(10000f));
        vocab.metadata().asMap().forEach((key, value) -> {
            if (key.startsWith("tokenizer.")) {
                writer.put(key, value);
            }
        });

        Weights weights = new Weights(seed);
        int width = shape.embedding();
        int feedForward = shape.feedForward();
        int kvWidth = headDimension * shape.kvHeads();
        writer.addF16Tensor("token_embd.weight", dims(width, vocabSize), () -> weights.matrix(width, vocabSize));
        for (int layer = 0; layer < shape.layers(); layer++) {
            String block = "blk." + layer + ".";
            writer.addF32Tensor(block + "attn_norm.weight", dims(width), ones(width))
                    .addF16Tensor(block + "attn_q.weight", dims(width, width), () -> weights.matrix(width, width))
                    .addF16Tensor(block + "attn_k.weight", dims(width, kvWidth), () -> weights.matrix(width, kvWidth))
                    .addF16Tensor(block + "attn_v.weight", dims(width, kvWidth), () -> weights.matrix(width, kvWidth))
                    .addF16Tensor(block + "attn_output.weight", dims(width, width), () -> weights.matrix(width, width))
                    .addF32Tensor(block + "ffn_norm.weight", dims(width), ones(width))
                    .addF16Tensor(block + "ffn_gate.weight", dims(width, feedForward),
                            () -> weights.matrix(width, feedForward))
                    .addF16Tensor(block + "ffn_up.weight", dims(width, feedForward),
                            () -> weights.matrix(width, feedForward))
                    .addF16Tensor(block + "ffn_down.weight", dims(feedForward, width),
                            () -> weights.matrix(feedForward, width));
        }
        writer.addF32Tensor("output_norm.weight", dims(width), ones(width));
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

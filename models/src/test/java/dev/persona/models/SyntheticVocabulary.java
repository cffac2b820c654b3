package dev.persona.models;

import dev.persona.models.gguf.GgufArray;
import dev.persona.models.gguf.GgufValue;
import dev.persona.models.gguf.GgufValueType;
import dev.persona.models.gguf.GgufWriter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A small vocabulary-only GGUF shaped like llama.cpp's {@code ggml-vocab-*.gguf} files. */
final class SyntheticVocabulary {

    static final int SIZE = 300;
    static final String CHAT_TEMPLATE = "{% for m in messages %}<|{{ m.role }}|>{{ m.content }}<|end|>{% endfor %}";

    private SyntheticVocabulary() {
    }

    static Path write(Path path) throws IOException {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>", "▁héllo", "日本"));
        float[] scores = new float[SIZE];
        long[] types = new long[SIZE];
        while (tokens.size() < SIZE) {
            tokens.add("▁t" + tokens.size());
        }
        for (int i = 0; i < SIZE; i++) {
            scores[i] = -i;
            types[i] = i < 3 ? 3 : 1;
        }
        new GgufWriter()
                .put("general.architecture", GgufValue.string("phi3"))
                .put("general.name", GgufValue.string("Phi3"))
                .put("phi3.context_length", GgufValue.uint32(4096))
                .put("tokenizer.ggml.model", GgufValue.string("llama"))
                .put("tokenizer.ggml.tokens", GgufValue.array(GgufArray.ofStrings(tokens)))
                .put("tokenizer.ggml.scores", GgufValue.array(GgufArray.ofFloat32(scores)))
                .put("tokenizer.ggml.token_type", GgufValue.array(GgufArray.of(GgufValueType.INT32, types)))
                .put("tokenizer.ggml.bos_token_id", GgufValue.uint32(1))
                .put("tokenizer.ggml.eos_token_id", GgufValue.uint32(2))
                .put("tokenizer.ggml.add_bos_token", GgufValue.bool(false))
                .put("tokenizer.chat_template", GgufValue.string(CHAT_TEMPLATE))
                .write(path);
        return path;
    }
}

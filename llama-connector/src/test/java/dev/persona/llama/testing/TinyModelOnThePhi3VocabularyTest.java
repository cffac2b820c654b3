package dev.persona.llama.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona.models.TinyModelGenerator;
import dev.persona.models.gguf.GgufFile;
import dev.persona.models.gguf.GgufReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tiny model generated from llama.cpp's real Phi-3 vocabulary (the models module's own tests use a synthetic
 * one): byte-identical for the same seed, with the vocabulary and chat template of the source. It lives here because
 * this module's tests have the llama.cpp source at hand; every other test here runs llama-server on this model.
 */
class TinyModelOnThePhi3VocabularyTest {

    @TempDir
    Path dir;

    @Test
    void sameSeedGivesTheSameBytesWithThePhi3VocabularyAndTemplate() throws IOException {
        Path first = dir.resolve("first.gguf");
        Path second = dir.resolve("second.gguf");

        TinyModelGenerator.generate(LlamaTestEnvironment.vocabulary(), first, TinyModelGenerator.DEFAULT_SEED);
        TinyModelGenerator.generate(LlamaTestEnvironment.vocabulary(), second, TinyModelGenerator.DEFAULT_SEED);
        GgufFile file = new GgufReader().read(first);

        assertEquals(-1, Files.mismatch(first, second));
        assertEquals(OptionalLong.of(32064), file.metadata().getLong("llama.vocab_size"));
        assertEquals(OptionalLong.of(131072), file.contextLength());
        assertTrue(file.chatTemplate().orElse("").contains("<|assistant|>"), "the phi-3 chat template is copied");
        assertTrue(file.fileSize() > 4_000_000 && file.fileSize() < 6_000_000, "about 5 MB: " + file.fileSize());
    }
}

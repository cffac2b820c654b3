package dev.persona.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona.models.gguf.GgufFile;
import dev.persona.models.gguf.GgufReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryEstimateTest {

    @TempDir
    Path dir;

    @Test
    void theKvCacheFollowsLayersContextAndKvHeadsAndTheWeightsCountOnce() throws IOException {
        Path file = dir.resolve("tiny.gguf");
        TinyModelGenerator.generate(SyntheticVocabulary.write(dir.resolve("vocab.gguf")), file, 1);
        GgufFile model = new GgufReader().read(file);
        // The tiny shape: 64 wide, 2 layers, 4 heads of 16, 4 KV heads; F16 cache, K and V.
        long kvAt4096 = 2L * 2 * 4096 * 4 * 16 * 2;

        MemoryEstimate one = MemoryEstimate.of(model, 4096, 1);
        MemoryEstimate two = MemoryEstimate.of(model, 8192, 2);

        assertEquals(kvAt4096, one.kvCache());
        assertEquals(2 * kvAt4096, two.kvCache());
        assertEquals(Files.size(file), one.weights());
        assertEquals(one.weights() + one.perProcess(), one.total());
        assertEquals(two.weights() + 2 * two.perProcess(), two.total());
        assertTrue(one.fits(one.total()) && !one.fits(one.total() - 1));
    }

    @Test
    void freeMemoryIsReadFromMeminfo() throws IOException {
        Path meminfo = Files.writeString(dir.resolve("meminfo"), "MemTotal:       24576000 kB\n"
                + "MemFree:         1000000 kB\nMemAvailable:    8000000 kB\n");
        assertEquals(OptionalLong.of(8_000_000L * 1024), MemoryEstimate.availableMemory(meminfo));
        assertFalse(MemoryEstimate.availableMemory(dir.resolve("missing")).isPresent());
    }
}

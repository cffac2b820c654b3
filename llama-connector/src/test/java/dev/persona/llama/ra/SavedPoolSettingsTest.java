package dev.persona.llama.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona.llama.PoolSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SavedPoolSettingsTest {

    private static final PoolSettings CONFIGURED = new PoolSettings("/models/tiny.gguf", 4096, 4, "auto", 1);
    private static final PoolSettings CHOSEN = new PoolSettings("/models/other: \\\\ #1.gguf", 8192, 2, "all", 2);

    @TempDir
    Path folder;

    @Test
    void aChoiceIsReadBackOnlyOverTheConfigurationItWasMadeOver() throws IOException {
        SavedPoolSettings saved = new SavedPoolSettings(folder);
        assertEquals(Optional.empty(), saved.choiceOver(CONFIGURED), "nothing saved yet");
        saved.save(CONFIGURED, CHOSEN);
        assertEquals(Optional.of(CHOSEN), saved.choiceOver(CONFIGURED));
        assertEquals(Optional.of(CHOSEN), saved.choiceOver(new PoolSettings(" /models/tiny.gguf ", 4096, 4, " auto",
                1)), "blanks around the configured text do not count");
        assertEquals(Optional.empty(), saved.choiceOver(new PoolSettings("/models/tiny.gguf", 2048, 4, "auto", 1)));
        saved.forget();
        assertEquals(Optional.empty(), saved.choiceOver(CONFIGURED));
    }

    @Test
    void aBrokenFileIsAnErrorNamingItAndWhatIsWrong() throws IOException {
        SavedPoolSettings saved = new SavedPoolSettings(folder);
        Files.writeString(saved.file(), "configured.modelFile=/models/tiny.gguf\n");
        IOException missing = assertThrows(IOException.class, () -> saved.choiceOver(CONFIGURED));
        assertEquals(saved.file() + " lacks configured.contextSize", missing.getMessage());

        saved.save(CONFIGURED, CHOSEN);
        Files.writeString(saved.file(), Files.readString(saved.file()).replace("chosen.parallelSlots=2",
                "chosen.parallelSlots=two"));
        IOException notANumber = assertThrows(IOException.class, () -> saved.choiceOver(CONFIGURED));
        assertTrue(notANumber.getMessage().startsWith(saved.file() + " has a size that is not a number"),
                notANumber.getMessage());
    }
}

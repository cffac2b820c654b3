package dev.persona.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona.models.gguf.GgufValue;
import dev.persona.models.gguf.GgufWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCatalogTest {

    @TempDir
    Path dir;

    @Test
    void listsReadableModelsByNameAndExplainsTheRest() throws IOException {
        TinyModelGenerator.generate(SyntheticVocabulary.write(dir.resolve("b-vocab.txt")), dir.resolve("b-tiny.gguf"),
                1);
        new GgufWriter().put("general.architecture", GgufValue.string("qwen2"))
                .put("split.no", GgufValue.uint16(0)).put("split.count", GgufValue.uint16(2))
                .write(dir.resolve("A-big-00001-of-00002.GGUF"));
        new GgufWriter().put("split.no", GgufValue.uint16(1)).put("split.count", GgufValue.uint16(2))
                .write(dir.resolve("A-big-00002-of-00002.GGUF"));
        Files.writeString(dir.resolve("broken.gguf"), "this is not a model");
        Files.writeString(dir.resolve("notes.txt"), "ignored");
        Files.createDirectory(dir.resolve("folder.gguf"));

        ModelCatalog.Listing listing = new ModelCatalog(dir).scan();

        assertEquals(List.of("A-big-00001-of-00002.GGUF", "b-tiny.gguf"),
                listing.models().stream().map(ModelInfo::fileName).toList());
        ModelInfo tiny = listing.models().get(1);
        assertEquals("llama", tiny.architecture());
        assertEquals("persona-tiny", tiny.name());
        assertEquals(131072L, tiny.contextLength());
        assertEquals("F16", tiny.fileType());
        assertEquals("llama", tiny.tokenizerModel());
        assertEquals(SyntheticVocabulary.CHAT_TEMPLATE, tiny.chatTemplate());
        assertEquals(20, tiny.tensorCount());
        assertEquals(Files.size(dir.resolve("b-tiny.gguf")), tiny.fileSize());
        assertNull(listing.models().get(0).contextLength());

        assertEquals(1, listing.unreadable().size());
        ModelCatalog.UnreadableFile broken = listing.unreadable().get(0);
        assertEquals(dir.resolve("broken.gguf"), broken.path());
        assertTrue(broken.reason().contains("not a GGUF file") && broken.reason().contains("offset 0"),
                broken.reason());
    }

    @Test
    void anEmptyDirectoryHasNoModels() throws IOException {
        ModelCatalog.Listing listing = new ModelCatalog(dir).scan();

        assertTrue(listing.models().isEmpty() && listing.unreadable().isEmpty());
    }

    @Test
    void aMissingDirectoryIsAnError() {
        NotDirectoryException e = assertThrows(NotDirectoryException.class,
                () -> new ModelCatalog(dir.resolve("absent")).scan());
        assertTrue(e.getMessage().contains("models directory"), e.getMessage());
    }
}

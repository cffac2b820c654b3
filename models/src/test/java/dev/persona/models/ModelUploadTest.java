package dev.persona.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona.models.ModelUpload.Refusal;
import dev.persona.models.ModelUpload.RefusedException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelUploadTest {

    @TempDir
    Path dir;
    Path folder;
    byte[] model;

    @BeforeEach
    void tinyModel() throws IOException {
        folder = Files.createDirectory(dir.resolve("models"));
        Path file = dir.resolve("tiny.gguf");
        TinyModelGenerator.generate(SyntheticVocabulary.write(dir.resolve("vocab.gguf")), file, 1);
        model = Files.readAllBytes(file);
    }

    @Test
    void aModelStreamsIntoPlaceWithItsChecksum() throws Exception {
        ModelUpload.Received received = new ModelUpload(folder)
                .receive("uploaded.gguf", model.length, new ByteArrayInputStream(model));

        assertEquals(new ModelUpload.Received("uploaded.gguf", model.length,
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(model))), received);
        assertEquals(-1, Files.mismatch(folder.resolve("uploaded.gguf"), dir.resolve("tiny.gguf")));
        assertEquals(List.of("uploaded.gguf"), entries());
    }

    @Test
    void whatCannotSucceedIsRefusedBeforeAByteIsRead() throws Exception {
        Files.write(folder.resolve("taken.gguf"), model);
        InputStream unread = new ByteArrayInputStream(model);
        ModelUpload upload = new ModelUpload(folder);

        assertRefused(Refusal.BAD_NAME, () -> upload.receive("../escape.gguf", model.length, unread));
        assertRefused(Refusal.BAD_NAME, () -> upload.receive("notes.txt", model.length, unread));
        assertRefused(Refusal.EXISTS, () -> upload.receive("taken.gguf", model.length, unread));
        assertRefused(Refusal.NO_LENGTH, () -> upload.receive("new.gguf", -1, unread));
        long free = Files.getFileStore(folder).getUsableSpace();
        RefusedException tooLarge = assertRefused(Refusal.NO_SPACE,
                () -> upload.receive("huge.gguf", free + (1L << 30), unread));
        assertTrue(tooLarge.getMessage().startsWith("huge.gguf needs " + ModelUpload.size(free + (1L << 30))
                + ", but the disk that holds " + folder + " has "), tooLarge.getMessage());

        assertEquals(model.length, unread.available(), "nothing was read");
        assertEquals(List.of("taken.gguf"), entries());
    }

    @Test
    void aFileThatIsNotGgufIsDeleted() throws IOException {
        byte[] notes = "these are not weights".getBytes();

        RefusedException refused = assertRefused(Refusal.NOT_GGUF, () -> new ModelUpload(folder)
                .receive("notes.gguf", notes.length, new ByteArrayInputStream(notes)));

        assertTrue(refused.getMessage().startsWith("notes.gguf is not a GGUF model: "), refused.getMessage());
        assertEquals(List.of(), entries());
    }

    @Test
    void anUploadThatBreaksOffLeavesNoFile() throws IOException {
        InputStream breaksOff = new SequenceInputStream(new ByteArrayInputStream(model, 0, model.length / 2),
                new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new IOException("connection reset");
                    }
                });

        IOException e = assertThrows(IOException.class, () -> new ModelUpload(folder)
                .receive("broken.gguf", model.length, breaksOff));

        assertEquals("connection reset", e.getMessage());
        assertEquals(List.of(), entries());
    }

    @Test
    void aBodyShorterThanDeclaredLeavesNoFile() throws IOException {
        IOException e = assertThrows(IOException.class, () -> new ModelUpload(folder)
                .receive("short.gguf", model.length + 1, new ByteArrayInputStream(model)));

        assertTrue(e.getMessage().contains("ended after " + model.length + " of " + (model.length + 1)),
                e.getMessage());
        assertEquals(List.of(), entries());
    }

    @Test
    void aFileThatAppearedMeanwhileIsNotReplaced() throws Exception {
        InputStream body = new SequenceInputStream(new ByteArrayInputStream(model, 0, 100),
                new ByteArrayInputStream(model, 100, model.length - 100) {
                    @Override
                    public synchronized int read(byte[] buffer, int offset, int length) {
                        try {
                            if (!Files.exists(folder.resolve("raced.gguf"))) {
                                Files.writeString(folder.resolve("raced.gguf"), "the other upload");
                            }
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                        return super.read(buffer, offset, length);
                    }
                });

        assertRefused(Refusal.EXISTS, () -> new ModelUpload(folder).receive("raced.gguf", model.length, body));

        assertEquals("the other upload", Files.readString(folder.resolve("raced.gguf")));
        assertEquals(List.of("raced.gguf"), entries());
    }

    private interface Upload {
        void run() throws IOException;
    }

    private static RefusedException assertRefused(Refusal expected, Upload upload) {
        RefusedException refused = assertThrows(RefusedException.class, upload::run);
        assertEquals(expected, refused.refusal(), refused.getMessage());
        return refused;
    }

    private List<String> entries() throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aFileElsewhereIsLinkedWithTheSameChecks() throws Exception {
        ModelUpload upload = new ModelUpload(folder);

        assertEquals("tiny.gguf", upload.link(dir.resolve("tiny.gguf")));

        assertTrue(Files.isSymbolicLink(folder.resolve("tiny.gguf")));
        assertEquals(dir.resolve("tiny.gguf").toAbsolutePath(), Files.readSymbolicLink(folder.resolve("tiny.gguf")));
        assertRefused(Refusal.EXISTS, () -> upload.link(dir.resolve("tiny.gguf")));
        Files.writeString(dir.resolve("notes.gguf"), "not a model");
        assertRefused(Refusal.NOT_GGUF, () -> upload.link(dir.resolve("notes.gguf")));
        assertRefused(Refusal.NOT_GGUF, () -> upload.link(dir.resolve("missing.gguf")));
        Files.copy(dir.resolve("tiny.gguf"), dir.resolve("tiny.bin"));
        assertRefused(Refusal.BAD_NAME, () -> upload.link(dir.resolve("tiny.bin")));
        assertEquals(List.of("tiny.gguf"), entries());
    }
}

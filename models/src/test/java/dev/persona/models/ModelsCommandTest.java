package dev.persona.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./persona models list | pull} against {@link HubFixture}, the fixture standing in for the public hub. */
class ModelsCommandTest {

    private static final String REPO = "persona/tiny-GGUF";
    private static final String FILE = "persona-tiny-f16.gguf";

    @TempDir
    Path dir;
    Path folder;
    HubFixture hub;
    byte[] model;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void startHub() throws IOException {
        Path file = dir.resolve("tiny.gguf");
        TinyModelGenerator.generate(SyntheticVocabulary.write(dir.resolve("vocab.gguf")), file, 5);
        model = Files.readAllBytes(file);
        folder = dir.resolve("data/models");
        hub = new HubFixture().add(REPO, FILE, model).privateRepo(REPO, "cli-token");
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    private int run(Map<String, String> environment, String... args) {
        return new ModelsCommand(folder, environment, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false).run(args);
    }

    @Test
    void pullFetchesTheFileWithProgressAndListShowsIt() {
        Map<String, String> environment = Map.of("PERSONA_HUB_URL", hub.url().toString(),
                "PERSONA_HUB_TOKEN", "cli-token");

        assertEquals(ModelsCommand.OK, run(environment, "pull", REPO, FILE), err.toString());

        String said = out.toString(StandardCharsets.UTF_8);
        assertTrue(said.contains("Downloaded " + folder.resolve(FILE)) && said.contains(HubFixture.sha256(model)), said);
        String progress = err.toString(StandardCharsets.UTF_8);
        assertTrue(progress.contains("100 %"), progress);
        assertFalse(progress.contains("cli-token") || said.contains("cli-token"), "the token is never printed");
        out.reset();
        assertEquals(ModelsCommand.OK, run(environment, "list"));
        assertTrue(out.toString(StandardCharsets.UTF_8).matches("(?s).*" + FILE.replace(".", "\\.")
                + " .* M .*F16 .*llama .*"), out.toString());
    }

    @Test
    void failuresAreOneClearLineAndANonZeroExit() {
        assertEquals(ModelsCommand.FAILED, run(Map.of("PERSONA_HUB_URL", hub.url().toString()), "pull", REPO, FILE));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("set PERSONA_HUB_TOKEN"), err.toString());
        assertEquals(ModelsCommand.USAGE, run(Map.of(), "pull", "not-a-repo", FILE));
        assertEquals(ModelsCommand.USAGE, run(Map.of(), "fetch"));
        assertEquals(ModelsCommand.USAGE, run(Map.of()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: ./persona models list"), err.toString());
    }

    @Test
    void listNamesAnUnfinishedDownload() throws IOException {
        hub.dropNextAfter(model.length / 2);
        assertEquals(ModelsCommand.FAILED, run(Map.of("PERSONA_HUB_URL", hub.url().toString(),
                "PERSONA_HUB_TOKEN", "cli-token"), "pull", REPO, FILE));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("pull it again to resume"), err.toString());

        assertEquals(ModelsCommand.OK, run(Map.of(), "list"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("unfinished download: ." + FILE), out.toString());
    }
}

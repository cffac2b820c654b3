package dev.persona.llama.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import dev.persona.settings.InvalidSettingException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlamaServerSettingsTest {

    @TempDir
    Path dir;
    private Path binary;
    private Path model;

    @BeforeEach
    void files() throws IOException {
        binary = TestFiles.script(dir.resolve("llama-server"), "version: 1 (test)", 0);
        model = TestFiles.model(dir.resolve("model.gguf"));
    }

    private LlamaServerSettings.Builder valid() {
        return LlamaServerSettings.builder().serverBinary(binary.toString()).modelFile(model.toString())
                .dataDirectory(dir.resolve("data").toString());
    }

    private InvalidSettingException refused(UnaryOperator<LlamaServerSettings.Builder> change) {
        return assertThrows(InvalidSettingException.class, () -> change.apply(valid()).build());
    }

    @Test
    void defaultsGiveOneProcessWithFourSlots() {
        LlamaServerSettings settings = valid().build();

        assertTrue(settings.enabled());
        assertEquals(binary, settings.binary());
        assertEquals(1, settings.processes());
        assertEquals(4, settings.parallelSlots());
        assertEquals(4096, settings.contextSize());
        assertEquals(new PortRange(39100, 39199), settings.ports());
        assertEquals(Duration.ofSeconds(300), settings.startupTimeout());
        assertEquals(Duration.ofSeconds(1), settings.restartDelay());
        assertEquals(Duration.ofMinutes(1), settings.maxRestartDelay());
        assertEquals("test-model", settings.modelSummary().name());
        assertEquals(2048L, settings.modelSummary().contextLength());
        assertEquals(4, settings.modelSummary().parameterCount());
        assertTrue(Files.isDirectory(dir.resolve("data")));
    }

    @Test
    void commandBindsLoopbackAndKeepsTheKeyOffTheCommandLine() {
        LlamaServerSettings settings = valid().parallelSlots(2).contextSize(2048).gpuLayers("all").threads(3)
                .extraArguments("--flash-attn on --alias 'my model'").build();

        assertEquals(List.of(binary.toString(), "-m", model.toString(), "--host", "127.0.0.1", "--port", "39100",
                "--jinja", "--metrics", "--no-webui", "-np", "2", "-c", "2048", "-ngl", "all", "-t", "3",
                "--flash-attn", "on", "--alias", "my model"), settings.command(39100));
    }

    @Test
    void automaticGpuLayersAndThreadsAreLeftToLlamaServer() {
        List<String> command = valid().build().command(39100);
        assertFalse(command.contains("-ngl"));
        assertFalse(command.contains("-t"));
    }

    @Test
    void withoutModelNoBinaryIsNeeded() {
        LlamaServerSettings settings = LlamaServerSettings.builder().serverBinary("/nonexistent/llama-server")
                .dataDirectory(dir.toString()).build();

        assertFalse(settings.enabled());
        assertNull(settings.binary());
        assertNull(settings.modelSummary());
    }

    @Test
    void missingModelFileIsNamed() {
        Path missing = dir.resolve("missing.gguf");
        InvalidSettingException e = refused(builder -> builder.modelFile(missing.toString()));
        assertEquals("persona.llama.model", e.setting());
        assertTrue(e.getMessage().startsWith("PERSONA_LLAMA_MODEL = '" + missing + "': expected the path of an"
                + " existing GGUF model file"), e.getMessage());
    }

    @Test
    void fileThatIsNotGgufIsNamed() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.gguf"), "this is not a model");
        InvalidSettingException e = refused(builder -> builder.modelFile(text.toString()));
        assertTrue(e.getMessage().startsWith("PERSONA_LLAMA_MODEL = '" + text + "': expected a usable GGUF model file,"
                + " made for llama.cpp; this one is not: not a GGUF file: it starts with 0x74686973 instead of"
                + " 'GGUF'"), e.getMessage());
    }

    @Test
    void vocabularyOnlyFileIsNotAModel() throws IOException {
        Path vocabulary = TestFiles.vocabularyOnly(dir.resolve("ggml-vocab.gguf"));
        InvalidSettingException e = refused(builder -> builder.modelFile(vocabulary.toString()));
        assertTrue(e.getMessage().contains("has no tensors: it is a vocabulary-only GGUF file"), e.getMessage());
    }

    @Test
    void relativeModelNameIsLookedUpInTheModelsFolder() throws IOException {
        Path data = dir.resolve("persona");
        Files.createDirectories(data.resolve("models"));
        TestFiles.model(data.resolve("models").resolve("phi.gguf"));
        String previous = System.getProperty(LlamaServerSettings.PERSONA_DATA_DIR_PROPERTY);
        System.setProperty(LlamaServerSettings.PERSONA_DATA_DIR_PROPERTY, data.toString());
        try {
            LlamaServerSettings settings = LlamaServerSettings.builder().serverBinary(binary.toString())
                    .modelFile("phi.gguf").build();
            assertEquals(data.resolve("models/phi.gguf"), settings.model());
            assertEquals(data.resolve("llama"), settings.dataDirectory());
        } finally {
            if (previous == null) {
                System.clearProperty(LlamaServerSettings.PERSONA_DATA_DIR_PROPERTY);
            } else {
                System.setProperty(LlamaServerSettings.PERSONA_DATA_DIR_PROPERTY, previous);
            }
        }
    }

    @Test
    void missingBinaryIsNamed() {
        Path missing = dir.resolve("bin/llama-server");
        InvalidSettingException e = refused(builder -> builder.serverBinary(missing.toString()));
        assertEquals("persona.llama.server", e.setting());
        assertTrue(e.getMessage().startsWith("PERSONA_LLAMA_SERVER = '" + missing + "': expected the path of an"
                + " existing llama-server executable"), e.getMessage());
    }

    @Test
    void binaryThatIsNotExecutableIsNamed() throws IOException {
        Path plain = Files.writeString(dir.resolve("plain"), "x");
        InvalidSettingException e = refused(builder -> builder.serverBinary(plain.toString()));
        assertEquals("PERSONA_LLAMA_SERVER = '" + plain + "': expected an executable file.", e.getMessage());
    }

    @Test
    void binaryThatFailsToRunIsNamedWithItsOutput() throws IOException {
        Path broken = TestFiles.script(dir.resolve("broken"), "error while loading shared libraries: libcuda.so.1",
                127);
        InvalidSettingException e = refused(builder -> builder.serverBinary(broken.toString()));
        assertTrue(e.getMessage().startsWith("PERSONA_LLAMA_SERVER = '" + broken + "': expected a llama-server that"
                + " runs; --version failed with exit status 127: error while loading shared libraries: libcuda.so.1"),
                e.getMessage());
    }

    @Test
    void numbersOutsideTheirRangeAreNamed() {
        assertEquals("PERSONA_LLAMA_PARALLEL_SLOTS = '0': expected an integer from 1 to 256.",
                refused(builder -> builder.parallelSlots(0)).getMessage());
        assertEquals("persona.llama.processes", refused(builder -> builder.processes(0)).setting());
        assertEquals("persona.llama.context.size", refused(builder -> builder.contextSize(-1)).setting());
        assertEquals("persona.llama.startup.timeout.seconds",
                refused(builder -> builder.startupTimeoutSeconds(0)).setting());
        assertEquals("persona.llama.log.lines", refused(builder -> builder.logLines(0)).setting());
        assertEquals("PERSONA_LLAMA_MAX_RESTART_DELAY_MILLIS = '1000': expected at least"
                + " PERSONA_LLAMA_RESTART_DELAY_MILLIS (5000).", refused(builder -> builder.restartDelayMillis(5000L)
                .maxRestartDelayMillis(1000L)).getMessage());
    }

    @Test
    void gpuLayersMustBeANumberAllOrAuto() {
        assertEquals("PERSONA_LLAMA_GPU_LAYERS = 'many': expected a number of layers, all or auto.",
                refused(builder -> builder.gpuLayers("many")).getMessage());
        assertEquals("99", valid().gpuLayers("99").build().gpuLayers());
    }

    @Test
    void portRangeMustHoldEveryProcess() {
        assertEquals("PERSONA_LLAMA_PORT_RANGE = '39100-39101': expected at least one port per process"
                + " (PERSONA_LLAMA_PROCESSES = 3).", refused(builder -> builder.portRange("39100-39101").processes(3))
                .getMessage());
        assertEquals("PERSONA_LLAMA_PORT_RANGE = '80-90': expected FIRST-LAST or one port, from 1024 to 65535, e.g."
                + " 39100-39199.", refused(builder -> builder.portRange("80-90")).getMessage());
        assertEquals("persona.llama.port.range", refused(builder -> builder.portRange("a-b")).setting());
        assertEquals(new PortRange(40000, 40000), valid().portRange("40000").build().ports());
    }

    @Test
    void extraArgumentsMayNotTakeOverTheConnectorsFlags() {
        assertEquals("PERSONA_LLAMA_EXTRA_ARGUMENTS = '--verbose --host 0.0.0.0': expected flags other than --host,"
                + " which the connector sets: the servers listen on 127.0.0.1 only.",
                refused(builder -> builder.extraArguments("--verbose --host 0.0.0.0")).getMessage());
        assertEquals("PERSONA_LLAMA_EXTRA_ARGUMENTS = '--port=8080': expected flags other than --port, which the"
                + " connector sets: use PERSONA_LLAMA_PORT_RANGE instead.",
                refused(builder -> builder.extraArguments("--port=8080")).getMessage());
        assertEquals("persona.llama.extra.arguments", refused(builder -> builder.extraArguments("-np 8")).setting());
    }

    @Test
    void dataDirectoryThatIsAFileIsNamed() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertEquals("persona.llama.data.dir", refused(builder -> builder.dataDirectory(file.toString())).setting());
    }
}

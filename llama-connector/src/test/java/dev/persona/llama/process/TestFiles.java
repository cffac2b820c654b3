package dev.persona.llama.process;

import dev.persona.models.gguf.GgufValue;
import dev.persona.models.gguf.GgufWriter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Small files for settings tests: stand-in executables and GGUF headers. */
final class TestFiles {

    private TestFiles() {
    }

    /** A shell script that prints {@code output} and exits with {@code status}. */
    static Path script(Path file, String output, int status) throws IOException {
        Files.writeString(file, "#!/bin/sh\necho '" + output + "'\nexit " + status + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    /** A GGUF file with llama metadata and one small tensor; enough for the settings, not for llama-server. */
    static Path model(Path file) throws IOException {
        new GgufWriter()
                .put("general.architecture", GgufValue.string("llama"))
                .put("general.name", GgufValue.string("test-model"))
                .put("llama.context_length", GgufValue.uint32(2048))
                .addF32Tensor("token_embd.weight", new long[] {4}, new float[] {1, 2, 3, 4})
                .write(file);
        return file;
    }

    /** A GGUF file with metadata only, like llama.cpp's vocabulary files. */
    static Path vocabularyOnly(Path file) throws IOException {
        new GgufWriter().put("general.architecture", GgufValue.string("llama")).write(file);
        return file;
    }
}

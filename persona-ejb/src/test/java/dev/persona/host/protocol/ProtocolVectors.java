package dev.persona.host.protocol;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.json.Json;
import jakarta.json.JsonObject;

/** The chat protocol's shared test vectors (docs/vectors/protocol-vectors.json), which the page's tests read too. */
public final class ProtocolVectors {

    private ProtocolVectors() {
    }

    public static JsonObject read() throws IOException {
        Path file = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".."),
                "docs/vectors/protocol-vectors.json");
        return Json.createReader(new StringReader(Files.readString(file))).readObject();
    }
}

package dev.persona.web.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import dev.persona.host.models.HubCatalog;
import dev.persona.host.models.HubDownloads;
import dev.persona.host.models.ModelLibrary;
import jakarta.json.Json;
import org.junit.jupiter.api.Test;

/**
 * The console's JSON answers, bound with JSON-B, are byte for byte what the servlets wrote with JSON-P's builders
 * before (built here the same way), so scripts and the console's upload page read them as they did.
 */
class ConsoleJsonTest {

    @Test
    void hubFilesAsBefore() {
        String before = Json.createObjectBuilder().add("files", Json.createArrayBuilder()
                .add(Json.createObjectBuilder().add("repo", "ggml-org/models").add("file", "tiny.Q8_0.gguf")
                        .add("size", 5_000_000_000L).add("sha256", "ab12"))
                .add(Json.createObjectBuilder().add("repo", "ggml-org/models").add("file", "old.gguf")
                        .add("size", 1L).add("sha256", "null"))).build().toString();
        assertEquals(before, ConsoleJson.write(ConsoleJson.HubFiles.of(List.of(
                new HubCatalog.HubFile("ggml-org/models", "tiny.Q8_0.gguf", 5_000_000_000L, "ab12"),
                new HubCatalog.HubFile("ggml-org/models", "old.gguf", 1L, null)))));
        assertEquals("{\"files\":[]}", ConsoleJson.write(ConsoleJson.HubFiles.of(List.of())));
    }

    @Test
    void downloadsAsBefore() {
        HubDownloads.Status status = new HubDownloads.Status("ggml-org/models", "dir/tiny \"Q8\".gguf",
                "tiny \"Q8\".gguf", HubDownloads.Stage.RUNNING, 250, 1000, 12_500_000, "250 B of 1000 B", "");
        String one = Json.createObjectBuilder().add("repo", "ggml-org/models").add("file", "dir/tiny \"Q8\".gguf")
                .add("name", "tiny \"Q8\".gguf").add("stage", "RUNNING").add("done", 250L)
                .add("total", 1000L).add("bytesPerSecond", 12_500_000L).add("percent", 25).add("message", "")
                .build().toString();
        assertEquals(one, ConsoleJson.write(ConsoleJson.Download.of(status)));
        assertEquals("{\"downloads\":[" + one + "]}", ConsoleJson.write(new ConsoleJson.Downloads(
                List.of(ConsoleJson.Download.of(status)))));
        assertEquals(Json.createObjectBuilder().add("cancelled", "tiny.gguf").build().toString(),
                ConsoleJson.write(new ConsoleJson.Cancelled("tiny.gguf")));
    }

    @Test
    void uploadsAndRefusalsAsBefore() {
        assertEquals(Json.createObjectBuilder().add("name", "tiny.gguf").add("size", 42L).add("sha256", "cd34")
                .build().toString(), ConsoleJson.write(ConsoleJson.Upload.of(new ModelLibrary.Stored("tiny.gguf", 42L,
                "cd34"))));
        assertEquals(Json.createObjectBuilder().add("error", "No such path: </script> ü").build().toString(),
                ConsoleJson.write(new ConsoleJson.Refusal("No such path: </script> ü")));
    }
}

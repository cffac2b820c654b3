package dev.persona.web.console;

import java.io.IOException;
import java.util.List;

import dev.persona.host.models.HubCatalog;
import dev.persona.host.models.HubDownloads;
import dev.persona.host.models.ModelLibrary;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The console's JSON answers for scripts (the hub downloads of {@link ModelHubServlet}, the uploads of
 * {@link ModelUploadServlet}) as records, and the one JSON-B instance that writes them, fields in the order below.
 */
final class ConsoleJson {

    /** Thread-safe, made once. */
    private static final Jsonb JSONB = JsonbBuilder.create();

    private ConsoleJson() {
    }

    /** A refused request: what went wrong, for the person or script that sent it. */
    public record Refusal(String error) {
    }

    /** The GGUF files of a hub repository. */
    public record HubFiles(List<HubFile> files) {
        static HubFiles of(List<HubCatalog.HubFile> files) {
            return new HubFiles(files.stream().map(file -> new HubFile(file.repo(), file.file(), file.size(),
                    String.valueOf(file.sha256()))).toList());
        }
    }

    /** {@code sha256} is {@code "null"} where the hub lists none (as it has always been written). */
    @JsonbPropertyOrder({"repo", "file", "size", "sha256"})
    public record HubFile(String repo, String file, long size, String sha256) {
    }

    /** Every download the library knows of. */
    public record Downloads(List<Download> downloads) {
    }

    /** One download: its stage ({@code HubDownloads.Stage}'s name), bytes, rate and message. */
    @JsonbPropertyOrder({"repo", "file", "name", "stage", "done", "total", "bytesPerSecond", "percent", "message"})
    public record Download(String repo, String file, String name, String stage, long done, long total,
                           long bytesPerSecond, int percent, String message) {
        static Download of(HubDownloads.Status status) {
            return new Download(status.repo(), status.file(), status.fileName(), status.stage().name(),
                    status.done(), status.total(), status.bytesPerSecond(), status.percent(), status.message());
        }
    }

    /** The download of {@code cancelled} (a file name) is being cancelled. */
    public record Cancelled(String cancelled) {
    }

    /** A stored upload. */
    @JsonbPropertyOrder({"name", "size", "sha256"})
    public record Upload(String name, long size, String sha256) {
        static Upload of(ModelLibrary.Stored received) {
            return new Upload(received.fileName(), received.size(), received.sha256());
        }
    }

    static String write(Object body) {
        return JSONB.toJson(body);
    }

    /** Answers {@code code} with {@code body} as JSON. */
    static void send(HttpServletResponse response, int code, Object body) throws IOException {
        response.setStatus(code);
        response.setContentType("application/json");
        response.getWriter().write(write(body));
    }
}

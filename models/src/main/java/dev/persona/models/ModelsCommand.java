package dev.persona.models;

import dev.persona.settings.SettingSource;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * {@code ./persona models list} and {@code ./persona models pull <owner>/<repo> <file.gguf> [revision]}: the models
 * folder and the hub download for hosts without a browser. It runs the host's own download code in its own JVM,
 * whether the host runs or not (no console password on the command line; the part file's lock keeps it from
 * colliding with a download of the same file by the host, and the console lists the file at its next look).
 * Settings from the environment: {@code PERSONA_HUB_URL}, {@code PERSONA_HUB_TOKEN}.
 */
public final class ModelsCommand {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 64;

    private final Path folder;
    private final Map<String, String> environment;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean terminal;

    ModelsCommand(Path folder, Map<String, String> environment, PrintStream out, PrintStream err, boolean terminal) {
        this.folder = folder;
        this.environment = environment;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    /** {@code <models folder> list | pull <owner>/<repo> <file> [revision]}. */
    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: ModelsCommand <models folder> list | pull <owner>/<repo> <file.gguf> [revision]");
            System.exit(USAGE);
        }
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        System.exit(new ModelsCommand(Path.of(args[0]), System.getenv(), System.out, System.err,
                System.console() != null).run(rest));
    }

    int run(String... args) {
        try {
            return switch (args.length == 0 ? "" : args[0]) {
                case "list" -> list();
                case "pull" -> args.length == 3 || args.length == 4 ? pull(args[1], args[2],
                        args.length == 4 ? args[3] : null) : usage();
                default -> usage();
            };
        } catch (IllegalArgumentException e) {
            err.println("persona: " + e.getMessage());
            return USAGE;
        } catch (IOException e) {
            err.println("persona: " + e.getMessage());
            return FAILED;
        }
    }

    private int usage() {
        err.println("usage: ./persona models list");
        err.println("       ./persona models pull <owner>/<repo> <file.gguf> [revision]");
        return USAGE;
    }

    private int list() throws IOException {
        Files.createDirectories(folder);
        ModelCatalog.Listing listing = new ModelCatalog(folder).scan();
        out.println("Models in " + folder + ":");
        if (listing.models().isEmpty()) {
            out.println("  (none; ./persona models pull <owner>/<repo> <file.gguf> fetches one)");
        }
        for (ModelInfo model : listing.models()) {
            out.printf(Locale.ROOT, "  %-48s %10s  %8s  %-8s %-10s context %s%n", model.fileName(),
                    ModelUpload.size(model.fileSize()), parameters(model.parameterCount()), Optional.ofNullable(model.fileType()).orElse("?"),
                    Optional.ofNullable(model.architecture()).orElse("?"),
                    model.contextLength() == null ? "?" : model.contextLength());
        }
        listing.unreadable().forEach(u -> out.println("  unreadable: " + u.path().getFileName() + ": " + u.reason()));
        try (Stream<Path> files = Files.list(folder)) {
            for (Path part : files.filter(HubDownload::isPartFile).sorted().toList()) {
                out.println("  unfinished download: " + part.getFileName() + " (" + ModelUpload.size(Files.size(part))
                        + "; pull the same file again to resume)");
            }
        }
        return OK;
    }

    private int pull(String repo, String file, String revision) throws IOException {
        HubDownload.Request request = new HubDownload.Request(repo, file, revision);
        SettingSource settings = new SettingSource.Process(new Properties(), environment);
        URI hub = HubDownload.HUB_URL.from(settings);
        Optional<String> token = HubDownload.HUB_TOKEN.given(settings);
        Files.createDirectories(folder);
        err.println("persona: downloading " + file + " from " + repo + " (" + request.revision() + ") at " + hub
                + (token.isPresent() ? " with the token of PERSONA_HUB_TOKEN" : "") + " into " + folder);
        int[] lastPercent = {-1};
        HubDownload.Done done = new HubDownload(hub, token, folder).download(request, progress -> {
            int percent = progress.total() == 0 ? 0 : (int) (100 * progress.done() / progress.total());
            if (terminal) {
                err.print("\r  " + bar(percent) + " " + percent + " %  " + progress.describe() + "      ");
            } else if (percent / 10 != lastPercent[0] / 10) {
                err.println("  " + percent + " %  " + progress.describe());
            }
            lastPercent[0] = percent;
        }, () -> false);
        if (terminal) {
            err.println();
        }
        out.println("Downloaded " + folder.resolve(done.fileName()) + " (" + ModelUpload.size(done.size())
                + ", SHA-256 " + done.sha256() + " as the hub says" + (done.commit() == null ? ""
                : ", commit " + done.commit()) + ").");
        out.println("Use it: choose it on the console's Models page, or start with PERSONA_LLAMA_MODEL="
                + folder.resolve(done.fileName()));
        return OK;
    }

    /** e.g. "1.5 B", "136.4 M". */
    static String parameters(long count) {
        return count >= 1_000_000_000L ? String.format(Locale.ROOT, "%.1f B", count / 1e9)
                : String.format(Locale.ROOT, "%.1f M", count / 1e6);
    }

    private static String bar(int percent) {
        int filled = Math.max(0, Math.min(30, percent * 30 / 100));
        return "[" + "#".repeat(filled) + " ".repeat(30 - filled) + "]";
    }
}

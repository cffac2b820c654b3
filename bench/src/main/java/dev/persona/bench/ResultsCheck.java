package dev.persona.bench;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code bench/run --check}: fails (exit status 1) when a result in {@code bench/results} missed its target or no
 * longer stands for the code, that is when it records no commit, was measured on a tree with uncommitted changes,
 * names a commit outside this history, or when a later commit touched the code its benchmark measures
 * ({@link #MEASURED_CODE}). Prints one line per problem. Argument: the repository root (default: the working
 * directory).
 */
public final class ResultsCheck {

    /** The paths whose changes make a benchmark family's results stale, by the name's first word. */
    static final Map<String, List<String>> MEASURED_CODE = Map.of(
            "connector", List.of("llama-connector/src/main", "models/src/main",
                    "bench/src/main/java/dev/persona/bench/connector"),
            "signaling", List.of("persona-signaling/src/main", "persona-web/src/main/java/dev/persona/web/signaling",
                    "persona-ejb/src/main/java/dev/persona/host/signaling",
                    "server-config/src/main/wildfly", "server-config/src/main/java/dev/persona/server/tls",
                    "bench/src/main/java/dev/persona/bench/signaling",
                    "bench/src/main/java/dev/persona/bench/JvmProcess.java", "bench/src/main/node",
                    // signaling-peers-held: the launcher raises the open-files limit the held peers need
                    "persona"),
            "chat", List.of("persona-ejb/src/main", "persona-peer/src/main", "persona-web/src/main",
                    "persona-signaling/src/main", "llama-connector/src/main", "models/src/main",
                    "server-config/src/main", "persona",
                    "bench/src/main/java/dev/persona/bench/chat"),
            "host", List.of("persona-ejb/src/main", "persona-web/src/main", "persona-signaling/src/main",
                    "llama-connector/src/main", "models/src/main", "plugins/src/main", "server-config/src/main",
                    "persona", "persona-ear/pom.xml", "persona-ear/src/main",
                    "bench/src/main/java/dev/persona/bench/boot"),
            "servers", List.of("persona-ejb/src/main", "persona-peer/src/main", "persona-web/src/main",
                    "persona-signaling/src/main", "llama-connector/src/main", "models/src/main",
                    "server-config/src/main", "persona", "persona-ear/pom.xml", "persona-ear/src/main",
                    "bench/src/main/java/dev/persona/bench/servers",
                    "bench/src/main/java/dev/persona/bench/chat/ChatBenchmark.java",
                    "bench/src/main/java/dev/persona/bench/chat/DirectLlama.java",
                    "bench/src/main/java/dev/persona/bench/signaling/PeerSwarm.java"),
            "plugin", List.of("plugins/src/main", "persona-ejb/src/main/java/dev/persona/host/tools",
                    "bench/src/main/java/dev/persona/bench/plugins"),
            "soak", List.of("persona-ejb/src/main", "persona-peer/src/main", "persona-web/src/main",
                    "persona-signaling/src/main", "llama-connector/src/main", "models/src/main",
                    "server-config/src/main", "persona", "bench/src/main/java/dev/persona/bench/soak",
                    "bench/src/main/java/dev/persona/bench/JvmProcess.java",
                    "bench/src/main/java/dev/persona/bench/signaling/PeerSwarm.java"));

    /** What every benchmark's figures also depend on. */
    static final List<String> SHARED_CODE = List.of("bench/src/main/java/dev/persona/bench/Samples.java",
            "bench/src/main/java/dev/persona/bench/ProcessMemory.java");

    private ResultsCheck() {
    }

    public static void main(String[] args) throws IOException {
        Path repository = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        List<String> problems = problems(repository);
        problems.forEach(System.out::println);
        if (!problems.isEmpty()) {
            System.out.println(problems.size() + " problem(s) in bench/results: rerun the benchmarks named above "
                    + "(bench/run <family>) on a committed tree, or meet their targets");
            System.exit(1);
        }
        System.out.println("bench/results: every target met, every result measured at the current code");
    }

    static List<String> problems(Path repository) throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(repository.resolve("bench/results"))) {
            files = listing.filter(file -> file.toString().endsWith(".json")).sorted().toList();
        }
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            JsonObject result;
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                result = JsonProvider.provider().createReader(reader).readObject();
            }
            String name = file.getFileName().toString().replaceFirst("\\.json$", "");
            if (result.get("met") == JsonValue.FALSE) {
                problems.add(name + ": target missed (" + text(result, "target") + ")");
            }
            String stale = staleness(repository, name, result);
            if (stale != null) {
                problems.add(name + ": stale, " + stale);
            }
        }
        return problems;
    }

    /** Why the result no longer stands for the code, or {@code null} when it does. */
    static String staleness(Path repository, String name, JsonObject result) {
        List<String> code = MEASURED_CODE.get(name.split("-", 2)[0]);
        if (code == null) {
            return "no measured code is known for this benchmark (add it to ResultsCheck.MEASURED_CODE)";
        }
        String commit = text(result, "commit");
        if (commit.isEmpty()) {
            return "it records no commit";
        }
        if (result.get("clean") != JsonValue.TRUE) {
            return "measured on a tree with uncommitted changes at " + abbreviated(commit);
        }
        try {
            SourceRevision.git(repository, "merge-base", "--is-ancestor", commit, "HEAD");
        } catch (IllegalStateException e) {
            return "its commit " + abbreviated(commit) + " is not in this branch's history";
        }
        List<String> log = new ArrayList<>(List.of("log", "--format=%h %s", commit + "..HEAD", "--"));
        log.addAll(code);
        log.addAll(SHARED_CODE);
        List<String> later = SourceRevision.git(repository, log.toArray(String[]::new)).lines().toList();
        if (!later.isEmpty()) {
            return later.size() + " later commit(s) changed the code it measures, the newest: " + later.get(0);
        }
        return null;
    }

    private static String text(JsonObject object, String name) {
        return object.get(name) instanceof JsonString value ? value.getString() : "";
    }

    private static String abbreviated(String commit) {
        return commit.substring(0, Math.min(10, commit.length()));
    }
}

package dev.persona.bench;

import jakarta.json.JsonNumber;
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
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Rewrites the results table of {@code bench/README.md} (between {@value #START} and {@value #END}) from the files
 * in {@code bench/results}, one row per file. Argument: the repository root (default: the working directory).
 */
public final class ResultsTable {

    static final String START = "<!-- results:start -->";
    static final String END = "<!-- results:end -->";

    private ResultsTable() {
    }

    public static void main(String[] args) throws IOException {
        Path repository = Path.of(args.length > 0 ? args[0] : ".");
        Path readme = repository.resolve("bench/README.md");
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int start = text.indexOf(START);
        int end = text.indexOf(END);
        if (start < 0 || end < start) {
            throw new IllegalStateException(readme + " has no " + START + " ... " + END + " section");
        }
        String table = table(repository.resolve("bench/results"));
        Files.writeString(readme, text.substring(0, start + START.length()) + "\n" + table + text.substring(end),
                StandardCharsets.UTF_8);
        System.out.print(table);
    }

    static String table(Path results) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> listing = Files.list(results)) {
            listing.filter(file -> file.toString().endsWith(".json")).sorted().forEach(files::add);
        }
        StringBuilder table = new StringBuilder("| benchmark | metric | ours | baseline | ratio | target | met "
                + "| what it means | date | commit |\n|---|---|---:|---:|---:|---|---|---|---|---|\n");
        JsonProvider json = JsonProvider.provider();
        for (Path file : files) {
            JsonObject result;
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                result = json.createReader(reader).readObject();
            }
            JsonValue met = result.get("met");
            table.append("| ").append(string(result, "benchmark"))
                    .append(" | ").append(string(result, "metric"))
                    .append(" | ").append(number(result, "ours"))
                    .append(" | ").append(number(result, "baseline"))
                    .append(" | ").append(number(result, "ratio"))
                    .append(" | ").append(string(result, "target"))
                    .append(" | ").append(met == JsonValue.TRUE ? "yes" : met == JsonValue.FALSE ? "**no**" : "—")
                    .append(" | ").append(string(result, "meaning"))
                    .append(" | ").append(string(result, "date").replaceAll("T.*", ""))
                    .append(" | ").append(commit(result))
                    .append(" |\n");
        }
        return table.toString();
    }

    private static String string(JsonObject object, String name) {
        return object.get(name) instanceof JsonString text ? text.getString().replace("|", "\\|") : "";
    }

    /** The measured commit, abbreviated, marked when the tree had uncommitted changes; a dash when not recorded. */
    private static String commit(JsonObject result) {
        String commit = string(result, "commit");
        if (commit.isEmpty()) {
            return "—";
        }
        return commit.substring(0, Math.min(10, commit.length())) + (result.get("clean") == JsonValue.TRUE ? "" : "+");
    }

    private static String number(JsonObject object, String name) {
        if (!(object.get(name) instanceof JsonNumber value)) {
            return "—";
        }
        double number = value.doubleValue();
        double magnitude = Math.abs(number);
        String format = magnitude >= 100 ? "%.0f" : magnitude >= 10 ? "%.1f" : magnitude >= 1 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, format, number);
    }
}

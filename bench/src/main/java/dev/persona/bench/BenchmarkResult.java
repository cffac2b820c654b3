package dev.persona.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One metric's outcome as {@code bench/results/<benchmark>.json}: our figure, the baseline's from the same run,
 * their ratio, the target and whether it was met, plus any details (percentiles, settings, notes). Written by hand:
 * the file is flat and its fields are fixed ({@code benchmark}, {@code metric}, {@code ours}, {@code baseline},
 * {@code ratio}, {@code target}, {@code runs}, {@code date}, {@code commit} and {@code clean} (the
 * {@link SourceRevision} of the run, read once at its start), then the details).
 *
 * @param benchmark the file name without {@code .json}, e.g. {@code connector-tokens-per-second}
 * @param metric    what was measured, with its unit
 * @param target    the target in words, e.g. {@code ratio >= 0.98}
 * @param met       whether the target was met; {@code null} for a figure that is only reported
 * @param meaning   one sentence for the README table
 */
public record BenchmarkResult(String benchmark, String metric, double ours, double baseline, String target,
                              Boolean met, int runs, String meaning, Map<String, Object> details) {

    public BenchmarkResult {
        details = new LinkedHashMap<>(details);
    }

    /** ours / baseline. */
    public double ratio() {
        return ours / baseline;
    }

    public String toJson() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("benchmark", benchmark);
        fields.put("metric", metric);
        fields.put("ours", ours);
        fields.put("baseline", baseline);
        fields.put("ratio", ratio());
        fields.put("target", target);
        fields.put("runs", runs);
        fields.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        SourceRevision revision = SourceRevision.ofThisRun();
        fields.put("commit", revision.commit());
        fields.put("clean", revision.clean());
        fields.put("met", met);
        fields.put("meaning", meaning);
        fields.putAll(details);
        StringBuilder json = new StringBuilder("{\n");
        int index = 0;
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            json.append("  ").append(quote(field.getKey())).append(": ").append(value(field.getValue()))
                    .append(++index < fields.size() ? ",\n" : "\n");
        }
        return json.append("}\n").toString();
    }

    /** Writes {@code <benchmark>.json} into {@code resultsDirectory} and prints the figures. */
    public Path write(Path resultsDirectory) throws IOException {
        Files.createDirectories(resultsDirectory);
        Path file = resultsDirectory.resolve(benchmark + ".json");
        Files.writeString(file, toJson(), StandardCharsets.UTF_8);
        System.out.printf(Locale.ROOT, "RESULT %s: %s ours=%s baseline=%s ratio=%.3f target %s -> %s (%d runs)%n",
                benchmark, metric, number(ours), number(baseline), ratio(), target,
                met == null ? "reported" : met ? "met" : "MISSED", runs);
        return file;
    }

    private static String value(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
            return value.toString();
        }
        if (value instanceof Number number) {
            return number(number.doubleValue());
        }
        return quote(value.toString());
    }

    private static String number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "null";
        }
        String text = String.format(Locale.ROOT, "%.4f", value);
        text = text.replaceAll("0+$", "");
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }
}

package dev.persona.bench.plugins;

import dev.persona.bench.BenchmarkResult;
import dev.persona.bench.Samples;
import dev.persona.plugins.Plugin;
import dev.persona.plugins.PluginCall;
import dev.persona.plugins.PluginCatalog;
import dev.persona.plugins.PluginLimits;
import dev.persona.plugins.PluginResult;
import dev.persona.plugins.PluginRunner;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Plugin call overhead (issue 9): p50 and p99 of a whole call through {@link PluginRunner} — argument passing, a
 * fresh instance with its sandbox, the run on the calling thread under a watchdog, the result — for {@code calculator} and for
 * {@code files} reading 1 MiB, against the same work in plain Java on the calling thread. The two sides alternate
 * in blocks (ABBA) after a warm-up, so both see the same machine load. The calculator is measured twice: its first
 * calls, and steady calls after more warm-up; the target is checked on the steady ones.
 */
public final class PluginBenchmark {

    private static final String EXPRESSION = "(12.5 * 4 - 3) ^ 2 / (7 + 0.5) - -2";
    /** Calls before the first measured phase: the runtime is not compiled yet. */
    private static final int WARMUP = Integer.getInteger("bench.plugins.warmup", 300);
    /** Further calls before the steady phase, which the target is checked on (a running host has made many). */
    private static final int STEADY_WARMUP = Integer.getInteger("bench.plugins.steady.warmup", 1000);
    private static final int CALLS = Integer.getInteger("bench.plugins.calls", 2000);
    private static final int READS = Integer.getInteger("bench.plugins.reads", 300);
    private static final int BLOCK = 50;
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private PluginBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path repository = Path.of(System.getProperty("bench.repository", ".")).toAbsolutePath();
        Path results = repository.resolve("bench/results");
        Path folder = Files.createTempDirectory("persona-bench-plugins");
        ScheduledExecutorService watchdogs = Executors.newSingleThreadScheduledExecutor();
        try {
            long loadStarted = System.nanoTime();
            PluginCatalog catalog = PluginCatalog.bundled();
            double loadMs = (System.nanoTime() - loadStarted) / 1e6;
            System.out.printf(Locale.ROOT, "loaded and compiled %d plugins in %.0f ms%n", PluginCatalog.BUNDLED.size(), loadMs);
            PluginRunner runner = new PluginRunner(watchdogs, PluginLimits.DEFAULT);
            calculator(catalog.plugin("calculator").orElseThrow(), runner, loadMs, results);
            fileRead(catalog.plugin("files").orElseThrow(), runner, folder, results);
        } finally {
            watchdogs.shutdownNow();
            try (var files = Files.walk(folder)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static void calculator(Plugin plugin, PluginRunner runner, double loadMs, Path results) throws IOException {
        PluginCall call = new PluginCall(plugin, "evaluate", Map.of("expression", EXPRESSION), null, Map.of());
        String expected = format(PlainCalculator.evaluate(EXPRESSION));
        Supplier<String> ours = () -> checked(runner.run(call));
        Supplier<String> plain = () -> format(PlainCalculator.evaluate(EXPRESSION));
        double[][] first = alternate(ours, plain, expected, CALLS, WARMUP);
        double[][] steady = alternate(ours, plain, expected, CALLS, STEADY_WARMUP);
        Samples firstOurs = Samples.of(first[0]);
        Samples firstCpu = Samples.of(first[2]);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("expression", EXPRESSION);
        extra.put("plugins_load_and_compile_ms", loadMs);
        extra.put("first_calls_ours_ms_p50", firstOurs.median());
        extra.put("first_calls_ours_ms_p99", firstOurs.percentile(99));
        extra.put("first_calls_ours_cpu_ms_p99", firstCpu.percentile(99));
        extra.put("first_calls_baseline_ms_p99", Samples.of(first[1]).percentile(99));
        extra.put("notes", "ours: PluginRunner.run (fresh Chicory instance of the compiled module, WASI with arguments"
                + " and captured stdout, run on the calling thread with a watchdog armed, outcome); baseline: the same"
                + " recursive-descent evaluation in Java on the calling thread. Two phases of " + CALLS + " calls each"
                + " side in blocks of " + BLOCK + " alternating ABBA: first_calls_* after " + WARMUP + " warm-up calls,"
                + " while the JVM still compiles the runtime and the module's classes (its compiler threads share the"
                + " 2 cores, which shows in the wall-clock tail); the headline figures are the steady phase, after "
                + STEADY_WARMUP + " more calls, as a host that has been serving for a while runs them.");
        System.out.printf(Locale.ROOT, "plugin-calculator-call-ms, first calls: ours p50 %.3f ms p99 %.3f ms (CPU p99"
                + " %.3f)%n", firstOurs.median(), firstOurs.percentile(99), firstCpu.percentile(99));
        report("plugin-calculator-call-ms", "calculator call, ms (p99, steady)", steady, 1.0, CALLS,
                "p99 < 1 ms", "A calculator tool call through the sandbox against evaluating the expression in plain Java.",
                extra, results);
    }

    private static void fileRead(Plugin plugin, PluginRunner runner, Path folder, Path results) throws IOException {
        byte[] content = "0123456789abcdef".repeat(65536).getBytes(StandardCharsets.US_ASCII);
        Path file = Files.write(folder.resolve("one-mebibyte.txt"), content);
        PluginCall call = new PluginCall(plugin, "read", Map.of("path", "one-mebibyte.txt"), folder, Map.of());
        String expected = new String(content, StandardCharsets.UTF_8);
        Supplier<String> ours = () -> checked(runner.run(call));
        Supplier<String> plain = () -> {
            try {
                return Files.readString(file);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        };
        double[][] times = alternate(ours, plain, expected, READS, WARMUP / 10);
        report("plugin-file-read-ms", "1 MiB file read call, ms (p99)", times, 20.0, READS, "p99 < 20 ms",
                "Reading 1 MiB through the files tool against Files.readString of the same file.",
                Map.of("bytes", content.length, "notes", "ours: PluginRunner.run of files.read (folder inspection for "
                        + "quota and links, fresh instance, WASI read into the module's memory, UTF-8 check, 1 MiB "
                        + "of stdout back into a Java string); baseline: Files.readString. " + WARMUP / 10
                        + " warm-up calls each, then blocks of " + BLOCK + " alternating ABBA."),
                results);
    }

    private static String checked(PluginResult result) {
        if (!result.ok()) {
            throw new IllegalStateException("plugin call failed: " + result.outcome() + " " + result.text());
        }
        return result.text();
    }

    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    /**
     * Milliseconds of each call: [0] ours, [1] baseline wall-clock; [2] ours, [3] baseline CPU time of the calling
     * thread (the call runs there), which the scheduling delays of a busy machine do not inflate.
     */
    private static double[][] alternate(Supplier<String> ours, Supplier<String> plain, String expected, int count,
                                        int warmup) {
        for (int i = 0; i < warmup; i++) {
            verify(ours.get(), expected, "ours");
            verify(plain.get(), expected, "baseline");
        }
        double[][] times = new double[4][count];
        int done = 0;
        for (int block = 0; done < count; block++) {
            int n = Math.min(BLOCK, count - done);
            boolean oursFirst = block % 4 == 0 || block % 4 == 3;
            for (int side : oursFirst ? new int[] {0, 1} : new int[] {1, 0}) {
                Supplier<String> work = side == 0 ? ours : plain;
                for (int i = 0; i < n; i++) {
                    long cpuStarted = CPU.getCurrentThreadCpuTime();
                    long started = System.nanoTime();
                    String text = work.get();
                    times[side][done + i] = (System.nanoTime() - started) / 1e6;
                    times[side + 2][done + i] = (CPU.getCurrentThreadCpuTime() - cpuStarted) / 1e6;
                    verify(text, expected, side == 0 ? "ours" : "baseline");
                }
            }
            done += n;
        }
        return times;
    }

    private static void verify(String text, String expected, String side) {
        if (!text.equals(expected)) {
            throw new IllegalStateException(side + " answered " + text.substring(0, Math.min(80, text.length()))
                    + " instead of " + expected.substring(0, Math.min(80, expected.length())));
        }
    }

    private static void report(String name, String metric, double[][] times, double targetMs, int runs, String target,
                               String meaning, Map<String, Object> extra, Path results) throws IOException {
        Samples ours = Samples.of(times[0]);
        Samples plain = Samples.of(times[1]);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("ours_ms_p50", ours.median());
        details.put("ours_ms_p99", ours.percentile(99));
        details.put("ours_ms_max", ours.max());
        details.put("baseline_ms_p50", plain.median());
        details.put("baseline_ms_p99", plain.percentile(99));
        details.put("added_ms_p50", ours.median() - plain.median());
        Samples oursCpu = Samples.of(times[2]);
        Samples plainCpu = Samples.of(times[3]);
        details.put("ours_cpu_ms_p50", oursCpu.median());
        details.put("ours_cpu_ms_p99", oursCpu.percentile(99));
        details.put("baseline_cpu_ms_p50", plainCpu.median());
        details.put("baseline_cpu_ms_p99", plainCpu.percentile(99));
        details.put("load_average_1min", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        details.put("processors", Runtime.getRuntime().availableProcessors());
        details.putAll(extra);
        double p99 = ours.percentile(99);
        new BenchmarkResult(name, metric, p99, plain.percentile(99), target, p99 < targetMs, runs, meaning, details)
                .write(results);
        System.out.printf(Locale.ROOT, "%s: ours p50 %.3f ms p99 %.3f ms (CPU p50 %.3f p99 %.3f); baseline p50 %.4f ms "
                + "p99 %.4f ms; load %.1f%n", name, ours.median(), p99, oursCpu.median(), oursCpu.percentile(99),
                plain.median(), plain.percentile(99), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}

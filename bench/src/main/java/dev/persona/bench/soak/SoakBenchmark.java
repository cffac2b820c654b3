package dev.persona.bench.soak;

import dev.persona.bench.BenchmarkResult;
import dev.persona.bench.Samples;
import dev.persona.testkit.JavaPhone;
import dev.persona.testkit.PersonaHost;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Issue 17's soak benchmark ({@code bench/run soak}): {@link Soak} on the deployed host for a bounded time, 30
 * minutes by default, and its figures as results: the resident set, the heap after a full collection, descriptors
 * and threads in the last fifth of the measured load against the first fifth (the baseline is the same host earlier
 * in the same run, after the warm-up), the p99 latencies of the signaling relay and of the chat's first token at the
 * start and at the end, and the errors and lost messages of the whole run.
 *
 * <p>Settings (system properties): {@code bench.repository}, {@code bench.soak.minutes} (30: warm-up and load;
 * the warm-up is a sixth of it, at most 5 minutes), {@code bench.soak.peers} (1000), {@code bench.soak.phones} (8),
 * {@code bench.soak.period.seconds} (20), {@code bench.soak.relay.rate} (200 messages/s), {@code bench.soak.churn}
 * (20 peers a period), {@code bench.soak.pause.ms} (1000, a phone's pause between turns), the host's ports
 * {@code persona.it.*.port} (bench/run passes 36080, 36443, 36990, 36993).
 */
public final class SoakBenchmark {

    private SoakBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        JavaPhone.requireLoopbackNetwork();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().descendants()
                .forEach(ProcessHandle::destroyForcibly), "stop-children"));
        Path repository = Path.of(System.getProperty("bench.repository", ".")).toAbsolutePath().normalize();
        Duration total = Duration.ofSeconds(Math.round(Double.parseDouble(System.getProperty("bench.soak.minutes",
                "30")) * 60));
        Duration warmUp = total.dividedBy(6).compareTo(Duration.ofMinutes(5)) > 0 ? Duration.ofMinutes(5)
                : total.dividedBy(6);
        Soak.Plan plan = new Soak.Plan(Integer.getInteger("bench.soak.peers", 1000),
                Integer.getInteger("bench.soak.phones", 8), warmUp, total.minus(warmUp),
                Duration.ofSeconds(Integer.getInteger("bench.soak.period.seconds", 20)),
                Integer.getInteger("bench.soak.relay.rate", 200), Integer.getInteger("bench.soak.churn", 20),
                Duration.ofMillis(Integer.getInteger("bench.soak.pause.ms", 1000)));
        PersonaHost host = Soak.host(repository.resolve("bench/work/soak-host"));
        long started = System.nanoTime();
        Soak.Outcome outcome = Soak.run(host, plan, System.out);
        report(outcome, repository.resolve("bench/results"));
        System.out.printf(Locale.ROOT, "soak benchmark done in %.1f min%n", (System.nanoTime() - started) / 6e10);
        System.exit(0);
    }

    private static void report(Soak.Outcome outcome, Path results) throws Exception {
        Soak.Plan plan = outcome.plan();
        List<Soak.Sample> start = outcome.fifth(false);
        List<Soak.Sample> end = outcome.fifth(true);
        int runs = outcome.measured().size();
        String setup = String.format(Locale.ROOT, "The host as ./persona start --background deploys it (EAR in "
                + "WildFly, wss, 2 llama-server slots, answers of at most 24 tokens), %d min of warm-up, then %d min "
                + "of load: %d key-proven signaling peers over wss connected throughout, relaying %d CANDIDATE "
                + "messages/s between random pairs (paced), %d more peers connecting, relaying and leaving every "
                + "%d s, and %d Java phones (WebRTC) chatting in a loop (a %d ms pause between turns, a new "
                + "conversation every 4 turns). After each period: jcmd GC.run, then GC.heap_info, VmRSS, "
                + "/proc/<pid>/fd and Threads of the WildFly JVM. Start = the samples (or turns, relayed messages) of "
                + "the first fifth of the load, end = those of the last fifth; the baseline is the start. The machine "
                + "is a shared 2-core one where other builds and hosts ran at the same time: load_average_1min lists "
                + "/proc/loadavg at every sample.", plan.warmUp().toMinutes(), plan.load().toMinutes(), plan.peers(),
                plan.relayPerSecond(), plan.churnPeers(), plan.period().toSeconds(), plan.phones(),
                plan.pause().toMillis());
        Map<String, Object> common = new LinkedHashMap<>();
        common.put("minutes_warm_up", plan.warmUp().toSeconds() / 60.0);
        common.put("minutes_load", plan.load().toSeconds() / 60.0);
        common.put("peers", plan.peers());
        common.put("phones", plan.phones());
        common.put("turns", outcome.turns());
        common.put("relayed", outcome.relayed());
        common.put("churned_peers", outcome.churned());
        common.put("load_average_1min", outcome.samples().stream()
                .map(s -> String.format(Locale.ROOT, "%.1f", s.loadAverage())).toList().toString());
        common.put("notes", setup);

        double rssStart = median(start, s -> s.residentBytes() / 1048576.0);
        double rssEnd = median(end, s -> s.residentBytes() / 1048576.0);
        Map<String, Object> rss = new LinkedHashMap<>(common);
        rss.put("rss_mib_over_time", series(outcome, s -> s.residentBytes() / 1048576.0));
        new BenchmarkResult("soak-rss-mib", "resident set of the WildFly JVM, MiB (median of the last fifth of the "
                + "load vs the first fifth)", rssEnd, rssStart, "ratio < 1.05", rssEnd < 1.05 * rssStart, runs,
                "Soak: the host's resident memory after a long mixed load against the same host after its warm-up",
                rss).write(results);

        double heapStart = median(start, s -> s.heapBytes() / 1048576.0);
        double heapEnd = median(end, s -> s.heapBytes() / 1048576.0);
        Map<String, Object> heap = new LinkedHashMap<>(common);
        heap.put("heap_mib_over_time", series(outcome, s -> s.heapBytes() / 1048576.0));
        new BenchmarkResult("soak-heap-after-gc-mib", "heap in use after a full collection, MiB (median of the last "
                + "fifth vs the first fifth)", heapEnd, heapStart, "reported", null, runs,
                "Soak: what the heap keeps after a full collection, end against start", heap).write(results);

        double fdStart = max(start, Soak.Sample::descriptors);
        double fdEnd = max(end, Soak.Sample::descriptors);
        Map<String, Object> descriptors = new LinkedHashMap<>(common);
        descriptors.put("descriptors_over_time", series(outcome, Soak.Sample::descriptors));
        descriptors.put("quiet_after_warm_up", outcome.quietBefore().descriptors());
        descriptors.put("quiet_after_load", outcome.quietAfter().descriptors());
        descriptors.put("settle_seconds", outcome.settleSeconds());
        new BenchmarkResult("soak-descriptors", "open file descriptors of the WildFly JVM (most in the last fifth "
                + "vs most in the first fifth)", fdEnd, fdStart, "ratio <= 1 and quiet level back",
                fdEnd <= fdStart && outcome.quietAfter().descriptors() <= outcome.quietBefore().descriptors(), runs,
                "Soak: no growth in descriptors under load, and back to the quiet level after it", descriptors)
                .write(results);

        double threadsStart = max(start, Soak.Sample::threads);
        double threadsEnd = max(end, Soak.Sample::threads);
        Map<String, Object> threads = new LinkedHashMap<>(common);
        threads.put("threads_over_time", series(outcome, Soak.Sample::threads));
        threads.put("quiet_after_warm_up", outcome.quietBefore().threads());
        threads.put("quiet_after_load", outcome.quietAfter().threads());
        threads.put("settle_seconds", outcome.settleSeconds());
        new BenchmarkResult("soak-threads", "threads of the WildFly JVM (most in the last fifth vs most in the first "
                + "fifth)", threadsEnd, threadsStart, "ratio <= 1 and quiet level back", threadsEnd <= threadsStart
                && outcome.quietAfter().threads() <= outcome.quietBefore().threads(), runs,
                "Soak: no growth in threads under load, and back to the quiet level after it", threads)
                .write(results);

        Map<String, Object> relay = new LinkedHashMap<>(common);
        relay.put("relay_rate_per_second", plan.relayPerSecond());
        new BenchmarkResult("soak-relay-p99-ms", "signaling relay latency p99 over wss, ms (last fifth vs first "
                + "fifth)", outcome.relayP99(true), outcome.relayP99(false), "reported", null, runs,
                "Soak: the relay's p99 latency at the end of the load against its start", relay).write(results);

        Map<String, Object> ttft = new LinkedHashMap<>(common);
        new BenchmarkResult("soak-chat-ttft-p99-ms", "time to first token at the phone p99, ms (last fifth vs first "
                + "fifth)", outcome.ttftP99(true), outcome.ttftP99(false), "reported", null, runs,
                "Soak: the phones' time to first token at the end of the load against its start", ttft)
                .write(results);

        long failures = outcome.errors() + outcome.lost();
        long exchanged = outcome.relayed() + outcome.turns() + outcome.turnErrors();
        Map<String, Object> errors = new LinkedHashMap<>(common);
        errors.put("turn_errors", outcome.turnErrors());
        errors.put("lost_messages", outcome.lost());
        errors.put("unexpected_frames_closes_or_failed_connects", outcome.unexpected());
        errors.put("server_log_errors", outcome.serverLogErrors().size());
        errors.put("error_samples", String.join(" | ", outcome.errorSamples()) + " "
                + String.join(" | ", outcome.serverLogErrors().stream().limit(5).toList()));
        new BenchmarkResult("soak-errors", "errors and lost messages over the whole run (warm-up included), of "
                + "the relayed messages and turns", failures, exchanged, "ours = 0", failures == 0, 1,
                "Soak: failed turns, unexpected signaling frames or closes, server.log errors and lost messages",
                errors).write(results);
    }

    private static double median(List<Soak.Sample> samples, ToDoubleFunction<Soak.Sample> figure) {
        return Samples.of(samples.stream().mapToDouble(figure).toArray()).median();
    }

    private static double max(List<Soak.Sample> samples, ToDoubleFunction<Soak.Sample> figure) {
        return Samples.of(samples.stream().mapToDouble(figure).toArray()).max();
    }

    /** Seconds into the load and the figure of every sample, warm-up (negative times) included. */
    private static String series(Soak.Outcome outcome, ToDoubleFunction<Soak.Sample> figure) {
        return outcome.samples().stream().map(s -> String.format(Locale.ROOT, "%.0fs:%.1f", s.atSeconds(),
                figure.applyAsDouble(s))).toList().toString();
    }
}

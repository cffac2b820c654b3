package dev.persona.bench.connector;

import dev.persona.bench.BenchmarkResult;
import dev.persona.bench.ProcessMemory;
import dev.persona.bench.Samples;
import dev.persona.llama.ChatCompletion;
import dev.persona.llama.ChatListener;
import dev.persona.llama.ChatRequest;
import dev.persona.llama.ChatStream;
import dev.persona.llama.LlamaException;
import dev.persona.llama.process.LlamaServerSettings;
import dev.persona.models.TinyModelGenerator;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleBinaryOperator;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Issue 4's benchmark: the connector against direct HTTP to the same llama-server process, all in one run.
 * <ol>
 * <li>Start-up: resource adapter start to the process seen ready, against the same command started with a plain
 * {@link ProcessBuilder} and {@code /health} polled every 10 ms; alternating, fresh process each time.</li>
 * <li>Tokens per second and time to first token: the same request (temperature 0, {@code ignore_eos}, fixed
 * {@code max_tokens}) through a connection of the adapter and directly, alternating ABBA after a warm-up.</li>
 * <li>Memory per open stream: N streams open at once through the connector, then N direct ones, on a process with
 * N slots; heap after a full GC and resident memory (fixed, pre-touched heap) against the idle state.</li>
 * </ol>
 * Settings (system properties): {@code persona.llama.server}, {@code persona.test.vocab} (required),
 * {@code bench.repository}, {@code bench.connector.runs}, {@code bench.connector.tokens},
 * {@code bench.connector.startups}, {@code bench.connector.streams}, {@code bench.connector.threads},
 * {@code bench.connector.parts} (a comma-separated subset of {@code startup,streaming,memory}).
 */
public final class ConnectorBenchmark {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String PROMPT = "Tell me a story about a lighthouse keeper.";
    private static final String BENCHMARK = "connector";

    private final Path binary;
    private final Path model;
    private final Path work;
    private final Path results;
    private final int runs = Integer.getInteger("bench.connector.runs", 20);
    private final int maxTokens = Integer.getInteger("bench.connector.tokens", 256);
    private final int startups = Integer.getInteger("bench.connector.startups", 10);
    private final int streams = Integer.getInteger("bench.connector.streams", 32);
    private final int threads = Integer.getInteger("bench.connector.threads", 1);

    private ConnectorBenchmark(Path binary, Path model, Path work, Path results) {
        this.binary = binary;
        this.model = model;
        this.work = work;
        this.results = results;
    }

    public static void main(String[] args) throws Exception {
        // Whatever this run started (llama-server, the servers under test) ends with it, also when it is killed.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().descendants()
                .forEach(ProcessHandle::destroyForcibly), "stop-children"));
        Logger.getLogger("dev.persona.llama").setLevel(Level.WARNING);
        Path repository = Path.of(System.getProperty("bench.repository", ".")).toAbsolutePath().normalize();
        Path work = repository.resolve("bench/work/connector");
        Files.createDirectories(work);
        Path model = work.resolve("persona-tiny.gguf");
        TinyModelGenerator.generate(Path.of(required("persona.test.vocab")), model, TinyModelGenerator.DEFAULT_SEED);
        ConnectorBenchmark benchmark = new ConnectorBenchmark(Path.of(required("persona.llama.server")), model, work,
                repository.resolve("bench/results"));
        long started = System.nanoTime();
        List<String> parts = List.of(System.getProperty("bench.connector.parts", "startup,streaming,memory")
                .split(","));
        if (parts.contains("startup")) {
            benchmark.startUp();
        }
        if (parts.contains("streaming")) {
            benchmark.streaming();
        }
        if (parts.contains("memory")) {
            benchmark.memoryPerStream();
        }
        System.out.printf(Locale.ROOT, "connector benchmark done in %.1f s%n", (System.nanoTime() - started) / 1e9);
        System.exit(0);
    }

    private static String required(String property) {
        String value = System.getProperty(property, "");
        if (value.isBlank()) {
            throw new IllegalStateException("set -D" + property + " (bench/run does)");
        }
        return value;
    }

    private StartedConnector.Config config(String name, int slots, int contextSize, String ports) throws IOException {
        Path data = work.resolve(name);
        Files.createDirectories(data);
        return new StartedConnector.Config(binary, model, data, slots, contextSize, threads, ports);
    }

    // ---- start-up -------------------------------------------------------------------------------------------

    private void startUp() throws Exception {
        StartedConnector.Config config = config("startup", 2, 2048, "39500-39519");
        double[] ours = new double[startups];
        double[] plain = new double[startups];
        double[] checks = new double[startups];
        // The first start of each loads classes and files; it is reported, not counted.
        double coldOurs = connectorStartMillis(config);
        double coldPlain = plainStartMillis(config, new double[1], 0);
        for (int i = 0; i < startups; i++) {
            if (i % 2 == 0) {
                ours[i] = connectorStartMillis(config);
                plain[i] = plainStartMillis(config, checks, i);
            } else {
                plain[i] = plainStartMillis(config, checks, i);
                ours[i] = connectorStartMillis(config);
            }
            System.out.printf(Locale.ROOT, "start-up %d: connector %.0f ms, plain %.0f ms%n", i + 1, ours[i], plain[i]);
        }
        Samples o = Samples.of(ours);
        Samples b = Samples.of(plain);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("added_ms_p50", o.median() - b.median());
        details.put("settings_check_ms_p50", Samples.of(checks).median());
        details.put("first_start_ours_ms", coldOurs);
        details.put("first_start_baseline_ms", coldPlain);
        details.put("ours_ms_min", o.min());
        details.put("ours_ms_max", o.max());
        details.put("baseline_ms_min", b.min());
        details.put("baseline_ms_max", b.max());
        details.put("notes", "ours: LlamaResourceAdapter.start (settings checks incl. reading the GGUF header and "
                + "running llama-server --version, stray search, supervisor start) until the connection reports the "
                + "process READY (the supervisor polls /health every 50 ms); baseline: the same command and "
                + "environment from a plain ProcessBuilder, /health polled every 10 ms. Tiny model, -np 2 -c 2048 -t "
                + threads + "; runs alternate which goes first, after one untimed start of each (first_start_*: "
                + "class loading, cold files). settings_check_ms: the part of ours spent checking the settings.");
        new BenchmarkResult(BENCHMARK + "-startup-ms", "start to ready, ms (p50)", o.median(), b.median(),
                "reported (no target in issue 4)", null, startups,
                "Resource adapter start until llama-server is ready, against ProcessBuilder + /health polling.",
                details).write(results);
    }

    private double connectorStartMillis(StartedConnector.Config config) throws Exception {
        try (StartedConnector connector = StartedConnector.start(config)) {
            long ready = connector.awaitReady(WAIT);
            return (ready - connector.startedNanos) / 1e6;
        }
    }

    /**
     * Starts the same command with a plain ProcessBuilder; {@code checks[index]} gets the time the connector's
     * settings checks take (reading the GGUF header, running {@code llama-server --version}), done here untimed.
     */
    private double plainStartMillis(StartedConnector.Config config, double[] checks, int index) throws Exception {
        long checkStart = System.nanoTime();
        LlamaServerSettings settings = LlamaServerSettings.builder().serverBinary(binary.toString())
                .modelFile(model.toString()).contextSize(config.contextSize()).parallelSlots(config.slots())
                .threads(config.threads()).portRange(config.portRange())
                .dataDirectory(config.dataDirectory().toString()).build();
        checks[index] = (System.nanoTime() - checkStart) / 1e6;
        int port = freePort();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(2)).build();
        long started = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(settings.command(port)).redirectErrorStream(true)
                .redirectOutput(config.dataDirectory().resolve("plain.log").toFile());
        builder.environment().put("LLAMA_API_KEY", newKey());
        Process process = builder.start();
        try {
            long deadline = started + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("llama-server exited with " + process.exitValue());
                }
                try {
                    if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return (System.nanoTime() - started) / 1e6;
                    }
                } catch (IOException notListening) {
                    // not listening yet
                }
                Thread.sleep(10);
            }
            throw new IllegalStateException("llama-server was not ready within " + WAIT);
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    }

    // ---- tokens per second and time to first token -------------------------------------------------------------

    /** One answer's times, in nanoseconds from {@link System#nanoTime()}. */
    private record Timing(long start, long firstToken, long end, int tokens, double serverPredictedMillis) {

        double tokensPerSecond() {
            return tokens / ((end - start) / 1e9);
        }

        double firstTokenMillis() {
            return (firstToken - start) / 1e6;
        }

        /** How much longer the client saw the tokens stream than llama-server took to generate them. */
        double lagMillis() {
            return (end - firstToken) / 1e6 - serverPredictedMillis;
        }
    }

    /** A finished answer: its timing and its text. */
    private record Answer(Timing timing, String text) {
    }

    /** Both sides' timings of a series of runs, in pairs. */
    private record Pairs(List<Timing> ours, List<Timing> baseline) {

        Pairs() {
            this(new ArrayList<>(), new ArrayList<>());
        }

        Samples of(boolean ofOurs, ToDoubleFunction<Timing> figure) {
            return Samples.of((ofOurs ? ours : baseline).stream().mapToDouble(figure).toArray());
        }

        Samples pairwise(DoubleBinaryOperator combine,
                         ToDoubleFunction<Timing> figure) {
            double[] values = new double[ours.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = combine.applyAsDouble(figure.applyAsDouble(ours.get(i)),
                        figure.applyAsDouble(baseline.get(i)));
            }
            return Samples.of(values);
        }
    }

    private void streaming() throws Exception {
        try (StartedConnector connector = StartedConnector.start(config("streaming", 2, 2048, "39520-39529"))) {
            connector.awaitReady(WAIT);
            DirectChat direct = new DirectChat(connector.port(), connector.apiKey());
            ChatRequest request = ChatRequest.ofUserMessage(PROMPT).withMaxTokens(maxTokens).withTemperature(0.0)
                    .withIgnoreEos(true);
            String body = DirectChat.body(PROMPT, maxTokens);
            String expected = null;
            for (int i = 0; i < 3; i++) {
                expected = checkSame(expected, ours(connector, request).get(WAIT.toSeconds(), TimeUnit.SECONDS));
                expected = checkSame(expected, direct(direct, body).get(WAIT.toSeconds(), TimeUnit.SECONDS));
            }
            Pairs together = new Pairs();
            Pairs apart = new Pairs();
            for (int i = 0; i < runs; i++) {
                // ABBA: each side goes first as often as the other, so neither gains from the order or a drift.
                boolean oursFirst = i % 4 == 0 || i % 4 == 3;
                CompletableFuture<Answer> first = oursFirst ? ours(connector, request) : direct(direct, body);
                CompletableFuture<Answer> second = oursFirst ? direct(direct, body) : ours(connector, request);
                add(together, oursFirst, first, second);
            }
            for (int i = 0; i < runs; i++) {
                boolean oursFirst = i % 4 == 0 || i % 4 == 3;
                Answer firstAnswer = (oursFirst ? ours(connector, request) : direct(direct, body))
                        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
                Answer secondAnswer = (oursFirst ? direct(direct, body) : ours(connector, request))
                        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
                add(apart, oursFirst, CompletableFuture.completedFuture(firstAnswer),
                        CompletableFuture.completedFuture(secondAnswer));
            }
            print("together", together);
            print("apart", apart);
            reportTokensPerSecond(together, apart);
            reportFirstToken(apart);
            parsingCost(connector.port(), connector.apiKey(), body);
        }
    }

    private void add(Pairs pairs, boolean oursFirst, CompletableFuture<Answer> first,
                     CompletableFuture<Answer> second) throws Exception {
        Timing a = first.get(WAIT.toSeconds(), TimeUnit.SECONDS).timing();
        Timing b = second.get(WAIT.toSeconds(), TimeUnit.SECONDS).timing();
        pairs.ours().add(oursFirst ? a : b);
        pairs.baseline().add(oursFirst ? b : a);
    }

    private static String checkSame(String expected, Answer answer) {
        if (expected != null && !expected.equals(answer.text())) {
            throw new IllegalStateException("the connector and the direct request got different answers; the "
                    + "comparison would be unfair");
        }
        return answer.text();
    }

    private CompletableFuture<Answer> ours(StartedConnector connector, ChatRequest request) throws LlamaException {
        CompletableFuture<Answer> done = new CompletableFuture<>();
        long start = System.nanoTime();
        connector.connection.streamChat(request, new ChatListener() {
            private long firstToken;

            @Override
            public void onToken(String text) {
                if (firstToken == 0) {
                    firstToken = System.nanoTime();
                }
            }

            @Override
            public void onComplete(ChatCompletion completion) {
                long end = System.nanoTime();
                int tokens = completion.usage().completionTokens();
                if (tokens != maxTokens) {
                    done.completeExceptionally(new IllegalStateException("expected " + maxTokens + " tokens, got "
                            + tokens));
                }
                done.complete(new Answer(new Timing(start, firstToken, end, tokens,
                        completion.timings().predictedMillis()), completion.content()));
            }

            @Override
            public void onError(LlamaException error) {
                done.completeExceptionally(error);
            }
        });
        return done;
    }

    private CompletableFuture<Answer> direct(DirectChat direct, String body) {
        DirectChat.Stream stream = new DirectChat.Stream();
        direct.send(body, stream);
        return stream.done.thenApply(ignored -> {
            if (stream.completionTokens != maxTokens) {
                throw new IllegalStateException("expected " + maxTokens + " tokens, got " + stream.completionTokens);
            }
            return new Answer(new Timing(stream.startNanos, stream.firstTokenNanos, stream.endNanos,
                    stream.completionTokens, stream.predictedMillis), stream.content.toString());
        });
    }

    private static void print(String series, Pairs pairs) {
        if (!Boolean.getBoolean("bench.connector.verbose")) {
            return;
        }
        for (int i = 0; i < pairs.ours().size(); i++) {
            Timing o = pairs.ours().get(i);
            Timing b = pairs.baseline().get(i);
            System.out.printf(Locale.ROOT, "%s %2d ours %6.1f ms (ttft %5.1f, server %6.1f, lag %5.1f)"
                            + " | direct %6.1f ms (ttft %5.1f, server %6.1f, lag %5.1f)%n", series, i,
                    (o.end() - o.start()) / 1e6, o.firstTokenMillis(), o.serverPredictedMillis(), o.lagMillis(),
                    (b.end() - b.start()) / 1e6, b.firstTokenMillis(), b.serverPredictedMillis(), b.lagMillis());
        }
    }

    /** Tokens of all runs of one side over their total time, client side. */
    private static double overall(List<Timing> timings) {
        long tokens = 0;
        long nanos = 0;
        for (Timing timing : timings) {
            tokens += timing.tokens();
            nanos += timing.end() - timing.start();
        }
        return tokens / (nanos / 1e9);
    }

    private void reportTokensPerSecond(Pairs together, Pairs apart) throws IOException {
        double ours = overall(together.ours());
        double baseline = overall(together.baseline());
        Samples pairRatio = together.pairwise((o, b) -> o / b, Timing::tokensPerSecond);
        double ratio = ours / baseline;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("ours_tokens_per_second_p50", together.of(true, Timing::tokensPerSecond).median());
        details.put("baseline_tokens_per_second_p50", together.of(false, Timing::tokensPerSecond).median());
        details.put("pairwise_ratio_p50", pairRatio.median());
        details.put("pairwise_ratio_min", pairRatio.min());
        details.put("pairwise_ratio_max", pairRatio.max());
        details.put("ours_lag_ms_p50", together.of(true, Timing::lagMillis).median());
        details.put("baseline_lag_ms_p50", together.of(false, Timing::lagMillis).median());
        details.put("apart_ours_tokens_per_second_p50", apart.of(true, Timing::tokensPerSecond).median());
        details.put("apart_baseline_tokens_per_second_p50", apart.of(false, Timing::tokensPerSecond).median());
        details.put("apart_pairwise_ratio_p50", apart.pairwise((o, b) -> o / b, Timing::tokensPerSecond).median());
        details.put("apart_ours_server_predicted_ms_p50", apart.of(true, Timing::serverPredictedMillis).median());
        details.put("apart_baseline_server_predicted_ms_p50",
                apart.of(false, Timing::serverPredictedMillis).median());
        details.put("apart_ours_lag_ms_p50", apart.of(true, Timing::lagMillis).median());
        details.put("apart_baseline_lag_ms_p50", apart.of(false, Timing::lagMillis).median());
        details.put("max_tokens", maxTokens);
        details.put("notes", "tokens/s = completion tokens / (answer complete - request sent), client side; "
                + "ours and baseline = all tokens of the runs / their total time. Headline ('together'): in each of "
                + runs + " runs the connector's and the direct request run at "
                + "the same time on the two slots of one llama-server (tiny model, -np 2, -t " + threads + "), "
                + "which computes both in the same batches, so the server's speed and the machine's load are the "
                + "same for both and only the client paths differ; the order of sending alternates ABBA. 'apart': "
                + "the same requests one after the other, ABBA, where the server's speed varies by tens of percent "
                + "from one answer to the next on this shared 2-core machine. lag = client streaming time - "
                + "llama-server's predicted_ms (how far the client falls behind the generation). Direct = "
                + "java.net.http with the connector's client settings, a line subscriber and JSON-P; both get the "
                + "same text (checked).");
        new BenchmarkResult(BENCHMARK + "-tokens-per-second", "tokens/s, all runs", ours, baseline,
                "ratio >= 0.98", ratio >= 0.98, runs,
                "Streaming speed through the connector relative to direct HTTP to the same llama-server.", details)
                .write(results);
    }

    private void reportFirstToken(Pairs apart) throws IOException {
        Samples ours = apart.of(true, Timing::firstTokenMillis);
        Samples baseline = apart.of(false, Timing::firstTokenMillis);
        double added = ours.median() - baseline.median();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("added_ms_p50", added);
        details.put("pairwise_added_ms_p50", apart.pairwise((o, b) -> o - b, Timing::firstTokenMillis).median());
        details.put("ours_ms_p90", ours.percentile(90));
        details.put("baseline_ms_p90", baseline.percentile(90));
        details.put("notes", "time from the call (streamChat / sendAsync) to the first non-empty token, requests "
                + "one after the other (ABBA, " + runs + " each after 3 warm-up runs each). llama-server has the "
                + "prompt cached after the warm-up, so the figure is mostly HTTP and each client's own work.");
        new BenchmarkResult(BENCHMARK + "-ttft-ms", "time to first token, ms (p50)", ours.median(),
                baseline.median(), "added p50 (ours - baseline) <= 5 ms", added <= 5, runs,
                "First-token latency the connector adds to a direct request.", details).write(results);
    }

    private void parsingCost(int port, String apiKey, String body) throws Exception {
        HttpResponse<String> recorded = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + apiKey)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        StreamParsingCost.Cost cost = new StreamParsingCost(recorded.body()).measure(20, 100);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("tokens_per_answer", cost.tokensPerAnswer());
        details.put("answers_each", cost.answers());
        details.put("notes", "CPU time of one thread per token, without network: a recorded llama-server event "
                + "stream (" + cost.tokensPerAnswer() + " tokens, one buffer per event) fed to the connector's "
                + "ChatExchange (SSE parser, JSON-P, listener) and to the baseline's JDK line subscriber + JSON-P, "
                + "alternating blocks after a warm-up. The client-side share of the tokens/s figures.");
        new BenchmarkResult(BENCHMARK + "-parse-cpu-us-per-token", "client CPU per streamed token, µs",
                cost.oursNanosPerToken() / 1000, cost.baselineNanosPerToken() / 1000,
                "reported (no target in issue 4)", null, cost.answers(),
                "CPU the connector spends reading one streamed token, against a plain client.", details)
                .write(results);
    }

    // ---- memory per open stream --------------------------------------------------------------------------------

    /** Heap after a full GC and resident set of this JVM at one moment. */
    private record Footprint(long heap, long resident) {

        static Footprint now() throws IOException {
            long heap = Long.MAX_VALUE;
            for (int i = 0; i < 3; i++) {
                System.gc();
                heap = Math.min(heap, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
            }
            return new Footprint(heap, ProcessMemory.residentBytes(ProcessHandle.current().pid()));
        }

        Footprint minus(Footprint other) {
            return new Footprint(heap - other.heap, resident - other.resident);
        }
    }

    private void memoryPerStream() throws Exception {
        int contextPerSlot = 512;
        try (StartedConnector connector = StartedConnector.start(config("memory", streams, streams * contextPerSlot,
                "39530-39539"))) {
            connector.awaitReady(WAIT);
            DirectChat direct = new DirectChat(connector.port(), connector.apiKey());
            ChatRequest request = ChatRequest.ofUserMessage(PROMPT).withMaxTokens(100_000).withTemperature(0.0)
                    .withIgnoreEos(true);
            String body = DirectChat.body(PROMPT, 100_000);
            // Warm both paths with as many streams as measured, so that pools and classes are in place.
            openStreams(connector, request, true).close();
            openStreams(connector, request, false).close();
            connector.awaitIdleSlots(WAIT);
            openDirect(connector, direct, body).close();
            connector.awaitIdleSlots(WAIT);

            List<Footprint> ours = new ArrayList<>();
            List<Footprint> baseline = new ArrayList<>();
            int rounds = 6;
            for (int round = 0; round < rounds; round++) {
                boolean oursNow = round % 4 == 1 || round % 4 == 2;
                Footprint idle = Footprint.now();
                OpenStreams open = oursNow ? openStreams(connector, request, false)
                        : openDirect(connector, direct, body);
                Footprint busy = Footprint.now();
                int stillOpen = open.stillOpen.get();
                open.close();
                connector.awaitIdleSlots(WAIT);
                if (stillOpen < streams) {
                    throw new IllegalStateException(streams - stillOpen + " streams ended before the measurement; "
                            + "give the slots more context");
                }
                (oursNow ? ours : baseline).add(busy.minus(idle));
                System.out.printf(Locale.ROOT, "memory round %d (%s): %+.1f KiB heap, %+.1f KiB resident for %d "
                                + "streams%n", round + 1, oursNow ? "connector" : "direct",
                        busy.minus(idle).heap / 1024.0, busy.minus(idle).resident / 1024.0, streams);
            }
            double oursHeap = perStreamKib(ours, Footprint::heap);
            double baseHeap = perStreamKib(baseline, Footprint::heap);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("streams", streams);
            details.put("ours_resident_kib_per_stream", perStreamKib(ours, Footprint::resident));
            details.put("baseline_resident_kib_per_stream", perStreamKib(baseline, Footprint::resident));
            details.put("notes", "N streams open at once (each has its first token, none has ended) on a "
                    + "llama-server with N slots; heap = used heap after System.gc() with the streams open minus "
                    + "before, per stream; resident = VmRSS delta per stream with a fixed, pre-touched heap, so it "
                    + "shows native memory (buffers, threads) only, and moves in steps of malloc arenas. p50 of "
                    + rounds / 2 + " rounds each (direct, ours, ours, direct, ...). The connector keeps each "
                    + "answer's text for its ChatCompletion, so an open stream grows with its tokens; measured "
                    + "right after the first token.");
            new BenchmarkResult(BENCHMARK + "-memory-per-stream-kib", "JVM heap per open stream, KiB", oursHeap,
                    baseHeap, "reported (no target in issue 4)", null, rounds / 2,
                    "JVM memory each open chat stream costs through the connector, against a direct HTTP stream.",
                    details).write(results);
        }
    }

    private double perStreamKib(List<Footprint> deltas, ToLongFunction<Footprint> figure) {
        return Samples.of(deltas.stream().mapToDouble(delta -> figure.applyAsLong(delta)).toArray()).median()
                / streams / 1024.0;
    }

    /** Streams opened at once; {@link #close()} cancels them. */
    private static final class OpenStreams implements AutoCloseable {
        final List<Runnable> cancels = new ArrayList<>();
        final AtomicInteger stillOpen = new AtomicInteger();

        @Override
        public void close() {
            cancels.forEach(Runnable::run);
        }
    }

    private OpenStreams openStreams(StartedConnector connector, ChatRequest request, boolean warmUp)
            throws Exception {
        OpenStreams open = new OpenStreams();
        CountDownLatch firstTokens = new CountDownLatch(streams);
        for (int i = 0; i < streams; i++) {
            open.stillOpen.incrementAndGet();
            ChatStream stream = connector.connection.streamChat(request, new ChatListener() {
                private boolean first = true;

                @Override
                public void onToken(String text) {
                    if (first) {
                        first = false;
                        firstTokens.countDown();
                    }
                }

                @Override
                public void onComplete(ChatCompletion completion) {
                    open.stillOpen.decrementAndGet();
                }

                @Override
                public void onError(LlamaException error) {
                    open.stillOpen.decrementAndGet();
                }
            });
            open.cancels.add(stream::cancel);
        }
        await(firstTokens, () -> "first tokens of the connector streams");
        return open;
    }

    private OpenStreams openDirect(StartedConnector connector, DirectChat direct, String body) throws Exception {
        OpenStreams open = new OpenStreams();
        CountDownLatch firstTokens = new CountDownLatch(streams);
        for (int i = 0; i < streams; i++) {
            open.stillOpen.incrementAndGet();
            DirectChat.Stream stream = new DirectChat.Stream() {
                @Override
                void onToken() {
                    if (tokens == 1) {
                        firstTokens.countDown();
                    }
                }
            };
            stream.done.whenComplete((ignored, error) -> open.stillOpen.decrementAndGet());
            direct.send(body, stream);
            open.cancels.add(stream::cancel);
        }
        await(firstTokens, () -> "first tokens of the direct streams");
        return open;
    }

    private static void await(CountDownLatch latch, Supplier<String> what) throws InterruptedException {
        if (!latch.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException("timed out waiting for " + what.get() + ": " + latch.getCount()
                    + " missing");
        }
    }
}

package dev.persona.bench.chat;

import static dev.persona.testkit.Directories.deleteRecursively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

import dev.persona.bench.BenchmarkResult;
import dev.persona.bench.Samples;
import dev.persona.models.TinyModelGenerator;
import dev.persona.testkit.JavaPhone;
import dev.persona.testkit.OwnerDesk;
import dev.persona.testkit.PageLoad;
import dev.persona.testkit.PersonaHost;
import dev.persona.testkit.PersonaHost.PairingUrl;
import dev.persona.testkit.PhonePage;
import jakarta.json.JsonObject;

/**
 * The chat path against its baseline, in one run on one real host: a Persona host started with {@code ./persona}
 * (its own data directory and ports, 4 llama-server slots of 1 024 tokens, the tiny model), phones in Java
 * ({@link JavaPhone}: webrtc-java, the same protocol as the page) and in headless Chromium ({@link PhonePage}), and
 * as the baseline the same requests sent straight to the very llama-server process the host runs (its port and
 * API key read from {@code /proc}, as the machine's owner can). Phone and baseline runs alternate, never overlap.
 * Must run where loopback is the only network: {@code bench/run chat} starts it through
 * {@code scripts/loopback-namespace/bin/java}.
 *
 * <ul>
 *   <li>relay efficiency: one phone, one question at a time, tokens/s and time to first token at the phone against
 *       the same request sent directly (targets: ratio ≥ 0.98, added TTFT p50 ≤ 20 ms);</li>
 *   <li>8 phones on 4 slots, each asking again as soon as its answer is done, against 8 direct clients doing the
 *       same: aggregate tokens/s (≥ 0.95) and max/min tokens per client (≤ 1.3), in whole answers and over the
 *       tokens received within the windows;</li>
 *   <li>Chromium: page open → data channel open and QR URL → first token, p50 over 20 fresh browsers, each
 *       pairing with a new invite; the first load's gzipped bytes against stock peerjs's alone;</li>
 *   <li>then a second host with a model of realistic speed ({@link #realisticModel}): time to first token at the
 *       phone against direct HTTP, p50 and p90 (targets: added ≤ 5 ms and ≤ 15 ms);
 *       {@code -Dbench.chat.only=realistic} runs only this part; {@code load} only the 8 phones on 4 slots.</li>
 * </ul>
 */
public final class ChatBenchmark {

    /** The system prompt the host gives its first persona (ChatHost.defaultPrompt), sent as is to the baseline. */
    public static final String SYSTEM_PROMPT = "You are Persona, a helpful assistant that runs on its owner's own computer. "
            + "Answer clearly and briefly.";
    public static final String QUESTION = "Tell me about the sea and the ships that sail on it.";
    public static final int MAX_TOKENS = 256;
    /** llama-server's parallel slots on the bench host. */
    public static final int SLOTS = 4;
    /** The page's milestones before the channel opens, in their order (client.js marks them). */
    private static final List<String> MILESTONES = List.of("persona-script-start", "persona-identity-ready",
            "persona-proof-ready", "persona-ice-servers", "persona-signaling-open", "persona-answer-set", "persona-peer-connected",
            "persona-channel-open");
    private static final Duration ANSWER = Duration.ofSeconds(120);
    /** Per phone answer: ms from sending to {@code accepted}, and the host's own first-token time (done.timings). */
    private static final List<double[]> HOST_SIDE = java.util.Collections.synchronizedList(new ArrayList<>());

    private final Path repository;
    private final Path results;
    private final int relayRuns = Integer.getInteger("bench.chat.relay.runs", 20);
    private final int loadSeconds = Integer.getInteger("bench.chat.load.seconds", 30);
    private final int loadRounds = Integer.getInteger("bench.chat.load.rounds", 2);
    private final int pageRuns = Integer.getInteger("bench.chat.page.runs", 20);
    /** Answers each side with the small model, and their length in tokens (about 50 tokens/s). */
    private final int realisticTurns = Integer.getInteger("bench.chat.small.turns", 24);
    private final int realisticTokens = Integer.getInteger("bench.chat.small.tokens", 48);
    /**
     * {@code page}: only the page-weight figures (the host started, no phones, no model load); {@code channel}: only
     * page open → data channel open (fresh browsers that pair and stop there, no question asked); {@code load}: only
     * the 8 phones on 4 slots (throughput and fairness rows); {@code realistic}: only the small model's rows.
     */
    private final String only = System.getProperty("bench.chat.only", "");
    private PersonaHost host;
    private String clientUrl;
    private String hostId;
    private String firstInvite;
    private OwnerDesk owner;
    private DirectLlama direct;

    private ChatBenchmark(Path repository) {
        this.repository = repository;
        this.results = repository.resolve("bench/results");
    }

    public static void main(String[] arguments) throws Exception {
        JavaPhone.requireLoopbackNetwork();
        new ChatBenchmark(Path.of(System.getProperty("bench.repository", ".")).toAbsolutePath()).run();
        System.exit(0);
    }

    private void run() throws Exception {
        if (!only.equals("realistic")) {
            tinyModel();
        }
        if (only.isEmpty() || only.equals("realistic")) {
            realisticModel();
        }
    }

    private void tinyModel() throws Exception {
        Path data = repository.resolve("bench/work/chat-host");
        deleteRecursively(data);
        host = new PersonaHost(data).with("PERSONA_LLAMA_CONTEXT_SIZE", "4096")
                .with("PERSONA_LLAMA_PARALLEL_SLOTS", Integer.toString(SLOTS))
                .with("PERSONA_CHAT_MAX_TOKENS", Integer.toString(MAX_TOKENS))
                // Greedy sampling and no end of text: every answer, the phone's and the baseline's, is the same
                // 256 tokens, so that their speeds compare.
                .with("PERSONA_LLAMA_EXTRA_ARGUMENTS", "--temp 0 --ignore-eos");
        PersonaHost.Run started = host.start();
        try {
            PairingUrl url = started.pairingUrl();
            clientUrl = url.clientUrl();
            hostId = url.hostId();
            firstInvite = url.invite();
            if (only.equals("page")) {
                pageBytes();
                return;
            }
            owner = OwnerDesk.deployInto(host);
            if (only.equals("channel")) {
                pages(Double.NaN);
                return;
            }
            direct = DirectLlama.of(data, SYSTEM_PROMPT, QUESTION, MAX_TOKENS);
            List<JavaPhone> phones = pairPhones(8);
            try {
                if (only.equals("load")) {
                    load(phones);
                    return;
                }
                double directTtftP50 = relay(phones.get(0));
                load(phones);
                pages(directTtftP50);
            } finally {
                phones.forEach(JavaPhone::close);
                JavaPhone.disposeFactory();
            }
            pageBytes();
        } finally {
            host.stop();
        }
    }

    /**
     * The relay at the speed of a real small model ({@link TinyModelGenerator.Shape#SMALL}: 768 wide, 12 layers,
     * 263 MiB F16 from the phi-3 vocabulary, about 50 tokens/s on 2 cores): a host of its own with one slot, a Java
     * phone over the data channel against the same request straight to the same llama-server, in ABBA order (phone,
     * direct, direct, phone, ...), {@link #realisticTurns} answers each. The host's JVM logs its GC pauses so that
     * each phone turn shows the pauses that fell between its question and its first token.
     */
    private void realisticModel() throws Exception {
        Path model = repository.resolve("bench/work/models/persona-small.gguf");
        if (!Files.exists(model)) {
            Path vocabulary = Path.of(System.getProperty("persona.test.vocab", ""));
            if (!Files.isRegularFile(vocabulary)) {
                throw new IllegalStateException("-Dpersona.test.vocab must name llama.cpp's "
                        + "models/ggml-vocab-phi-3.gguf to generate the small model (bench/run chat passes it)");
            }
            Files.createDirectories(model.getParent());
            Path partial = model.resolveSibling(model.getFileName() + ".partial");
            TinyModelGenerator.generate(vocabulary, partial, TinyModelGenerator.DEFAULT_SEED,
                    TinyModelGenerator.Shape.SMALL);
            Files.move(partial, model, StandardCopyOption.REPLACE_EXISTING);
        }
        Path data = repository.resolve("bench/work/chat-host-small");
        deleteRecursively(data);
        Path gcLog = repository.resolve("bench/work/chat-host-small-gc.log");
        Files.deleteIfExists(gcLog);
        host = new PersonaHost(data).with("PERSONA_LLAMA_MODEL", model.toString())
                .with("PERSONA_LLAMA_CONTEXT_SIZE", "2048")
                .with("PERSONA_LLAMA_PARALLEL_SLOTS", "1")
                .with("PERSONA_CHAT_MAX_TOKENS", Integer.toString(realisticTokens))
                .with("PERSONA_LLAMA_EXTRA_ARGUMENTS", "--temp 0 --ignore-eos")
                .with("PERSONA_JVM_OPTIONS", "-Xlog:gc:file=" + gcLog + ":timemillis");
        PairingUrl url = host.start().pairingUrl();
        try {
            JavaPhone phone = new JavaPhone(host, "bench-small");
            try {
                phone.connect(url.hostId());
                String decision = phone.handshake(url.hostId(), url.invite()).type();
                if (!decision.equals("admitted")) {
                    throw new IllegalStateException("the phone was not admitted: " + decision);
                }
                realisticRelay(phone, DirectLlama.of(data, SYSTEM_PROMPT, QUESTION, realisticTokens), gcLog);
            } finally {
                phone.close();
                JavaPhone.disposeFactory();
            }
        } finally {
            host.stop();
        }
    }

    private void realisticRelay(JavaPhone phone, DirectLlama small, Path gcLog) throws Exception {
        for (int warm = 0; warm < 2; warm++) {
            phoneAnswer(phone, "small-warm-" + warm);
            small.answer();
        }
        HOST_SIDE.clear();
        List<Double> phoneTtft = new ArrayList<>();
        List<Double> directTtft = new ArrayList<>();
        List<Double> modelRate = new ArrayList<>();
        // Wall-clock ms of each phone turn's question and first token, to lay the host's GC pauses beside them.
        List<long[]> phoneWindows = new ArrayList<>();
        long wallMinusNano = System.currentTimeMillis() - System.nanoTime() / 1_000_000;
        for (int run = 0; phoneTtft.size() < realisticTurns; run++) {
            boolean phoneFirst = run % 2 == 0;
            for (int side = 0; side < 2; side++) {
                if ((side == 0) == phoneFirst) {
                    Answer mine = phoneAnswer(phone, "small-" + run);
                    phoneTtft.add(mine.ttftMillis());
                    phoneWindows.add(new long[] {wallMinusNano + mine.sentNanos() / 1_000_000,
                            wallMinusNano + mine.firstTokenNanos() / 1_000_000});
                } else {
                    Answer theirs = small.answer();
                    directTtft.add(theirs.ttftMillis());
                    modelRate.add(theirs.serverTokensPerSecond());
                }
            }
        }
        Samples ours = Samples.of(phoneTtft.stream().mapToDouble(Double::doubleValue).toArray());
        Samples base = Samples.of(directTtft.stream().mapToDouble(Double::doubleValue).toArray());
        List<double[]> pauses = gcPauses(gcLog);
        List<Double> pausedInTtft = new ArrayList<>();
        for (long[] window : phoneWindows) {
            double paused = 0;
            for (double[] pause : pauses) {
                double from = Math.max(window[0], pause[0] - pause[1]);
                double to = Math.min(window[1], pause[0]);
                paused += Math.max(0, to - from);
            }
            pausedInTtft.add(paused);
        }
        double measuredFrom = phoneWindows.get(0)[0];
        double[] pauseMs = pauses.stream().filter(p -> p[0] >= measuredFrom).mapToDouble(p -> p[1]).toArray();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("added_p50_ms", ours.median() - base.median());
        details.put("added_p90_ms", ours.percentile(90) - base.percentile(90));
        details.put("ours_p50_ms", ours.median());
        details.put("ours_p90_ms", ours.percentile(90));
        details.put("baseline_p50_ms", base.median());
        details.put("baseline_p90_ms", base.percentile(90));
        details.put("model_tokens_per_second_p50", Samples.of(modelRate.stream().mapToDouble(d -> d).toArray())
                .median());
        details.put("answer_tokens", realisticTokens);
        details.put("phone_send_to_accepted_p50_ms", Samples.of(HOST_SIDE.stream().mapToDouble(a -> a[0])
                .toArray()).median());
        details.put("host_turn_start_to_first_token_each_ms", HOST_SIDE.stream().map(a -> (long) a[1]).toList()
                .toString());
        details.put("host_gc_pauses_while_measuring", pauseMs.length);
        details.put("host_gc_pause_max_ms", Arrays.stream(pauseMs).max().orElse(0));
        details.put("host_gc_pause_in_ttft_each_ms", pausedInTtft.toString());
        details.put("ours_each", phoneTtft.toString());
        details.put("baseline_each", directTtft.toString());
        String meaning = "Time to first token with a model of realistic speed (generated, 768 wide, 12 layers, "
                + "263 MiB F16, phi-3 vocabulary): a Java phone over the data channel (send → first token piece) vs "
                + "the same request straight to the host's llama-server, ABBA, one slot";
        double addedP50 = ours.median() - base.median();
        write(new BenchmarkResult("chat-small-model-ttft-p50-ms", "time to first token at the phone, ms, p50 of "
                + realisticTurns + ", small model", ours.median(), base.median(), "added p50 <= 5 ms",
                addedP50 <= 5, realisticTurns, meaning, details));
        double addedP90 = ours.percentile(90) - base.percentile(90);
        write(new BenchmarkResult("chat-small-model-ttft-p90-ms", "time to first token at the phone, ms, p90 of "
                + realisticTurns + ", small model", ours.percentile(90), base.percentile(90), "added p90 <= 15 ms",
                addedP90 <= 15, realisticTurns, meaning, details));
    }

    /**
     * The pauses in a GC log written with {@code -Xlog:gc:file=...:timemillis}: each as {when it ended (epoch ms),
     * how long (ms)}.
     */
    private static List<double[]> gcPauses(Path gcLog) throws IOException {
        List<double[]> pauses = new ArrayList<>();
        if (!Files.exists(gcLog)) {
            return pauses;
        }
        Matcher line = Pattern.compile("^\\[(\\d+)ms\\].* Pause .* (\\d+(?:\\.\\d+)?)ms$").matcher("");
        for (String text : Files.readAllLines(gcLog)) {
            if (line.reset(text).matches()) {
                pauses.add(new double[] {Long.parseLong(line.group(1)), Double.parseDouble(line.group(2))});
            }
        }
        return pauses;
    }

    private List<JavaPhone> pairPhones(int count) throws Exception {
        List<JavaPhone> phones = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            JavaPhone phone = new JavaPhone(host, "bench-" + i);
            phone.connect(hostId);
            String invite = i == 0 ? firstInvite : owner.invite();
            String decision = phone.handshake(hostId, invite).type();
            if (!decision.equals("admitted")) {
                throw new IllegalStateException("phone " + i + " was not admitted: " + decision);
            }
            phones.add(phone);
        }
        return phones;
    }

    /** One phone, one question at a time, alternating with the same request sent directly. */
    private double relay(JavaPhone phone) throws Exception {
        Turns turns = alternate(phone, direct, "", 2, relayRuns);
        List<Double> phoneEfficiency = turns.phoneEach(Answer::efficiency);
        List<Double> directEfficiency = turns.directEach(Answer::efficiency);
        List<Double> phoneTtft = turns.phoneEach(Answer::ttftMillis);
        List<Double> directTtft = turns.directEach(Answer::ttftMillis);
        List<Double> phoneRate = turns.phoneEach(Answer::tokensPerSecond);
        List<Double> directRate = turns.directEach(Answer::tokensPerSecond);
        Samples ours = Samples.of(phoneEfficiency.stream().mapToDouble(Double::doubleValue).toArray());
        Samples base = Samples.of(directEfficiency.stream().mapToDouble(Double::doubleValue).toArray());
        Samples oursTtft = Samples.of(phoneTtft.stream().mapToDouble(Double::doubleValue).toArray());
        Samples baseTtft = Samples.of(directTtft.stream().mapToDouble(Double::doubleValue).toArray());
        write(new BenchmarkResult("chat-relay-tokens-per-second",
                "tokens/s at the client over llama-server's own tokens/s for the same answer (median of "
                        + relayRuns + ")",
                ours.median(), base.median(), "ratio >= 0.98", ours.median() / base.median() >= 0.98, relayRuns,
                "Relay efficiency: a Java phone over the data channel vs the same request straight to llama-server",
                Map.of("ours_tokens_per_second_each", phoneRate.toString(),
                        "baseline_tokens_per_second_each", directRate.toString(),
                        "ours_efficiency_each", phoneEfficiency.toString(),
                        "baseline_efficiency_each", directEfficiency.toString(), "max_tokens", MAX_TOKENS,
                        "ours_tokens_per_second_p50", Samples.of(phoneRate.stream().mapToDouble(d -> d).toArray())
                                .median(),
                        "baseline_tokens_per_second_p50", Samples.of(directRate.stream().mapToDouble(d -> d)
                                .toArray()).median())));
        double added = oursTtft.median() - baseTtft.median();
        Samples accepted = Samples.of(HOST_SIDE.stream().mapToDouble(a -> a[0]).toArray());
        Samples hostFirstToken = Samples.of(HOST_SIDE.stream().mapToDouble(a -> a[1]).toArray());
        write(new BenchmarkResult("chat-relay-ttft-ms", "time to first token at the phone, ms (p50 of "
                + relayRuns + ")", oursTtft.median(), baseTtft.median(), "added p50 <= 20 ms", added <= 20,
                relayRuns, "Relay time to first token: phone (send → first token piece) vs direct HTTP",
                Map.of("added_p50_ms", added, "ours_p90_ms", oursTtft.percentile(90),
                        "phone_send_to_accepted_p50_ms", accepted.median(),
                        "host_turn_start_to_first_token_p50_ms", hostFirstToken.median(),
                        "baseline_p90_ms", baseTtft.percentile(90), "ours_each", phoneTtft.toString(),
                        "baseline_each", directTtft.toString())));
        return baseTtft.median();
    }

    /**
     * A relay row's turns (this benchmark's and ServersBenchmark's): {@code warmUps} answers of each side, then
     * {@code runs} of the phone's question, each followed by the same request sent straight to llama-server. The
     * host-side timings of the phone's turns are kept from the first measured one on.
     *
     * @param prefix put before the phone's turn ids
     */
    public static Turns alternate(JavaPhone phone, DirectLlama direct, String prefix, int warmUps, int runs)
            throws Exception {
        for (int warm = 0; warm < warmUps; warm++) {
            phoneAnswer(phone, prefix + "warm-" + warm);
            direct.answer();
        }
        HOST_SIDE.clear();
        List<Answer> mine = new ArrayList<>();
        List<Answer> theirs = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            mine.add(phoneAnswer(phone, prefix + "relay-" + run));
            theirs.add(direct.answer());
        }
        return new Turns(mine, theirs);
    }

    /** The phone's answers and the direct ones of {@link #alternate}, in their order. */
    public record Turns(List<Answer> phone, List<Answer> direct) {

        public List<Double> phoneEach(ToDoubleFunction<Answer> figure) {
            return phone.stream().map(figure::applyAsDouble).toList();
        }

        public List<Double> directEach(ToDoubleFunction<Answer> figure) {
            return direct.stream().map(figure::applyAsDouble).toList();
        }
    }

    public static Answer phoneAnswer(JavaPhone phone, String id) throws Exception {
        long sent = System.nanoTime();
        phone.chat(id, null, QUESTION);
        JavaPhone.Turn turn = phone.turnUntilEnd(id, ANSWER);
        if (!turn.last().type().equals("done")) {
            throw new IllegalStateException("turn " + id + " failed: " + turn.last());
        }
        List<JavaPhone.Received> tokens = turn.ofType("token");
        JsonObject usage = turn.last().message().getJsonObject("usage");
        HOST_SIDE.add(new double[] {(turn.ofType("accepted").get(0).at() - sent) / 1e6,
                turn.last().message().getJsonObject("timings").getJsonNumber("firstTokenMs").doubleValue()});
        return new Answer(sent, tokens.get(0).at(), tokens.get(tokens.size() - 1).at(),
                usage.getInt("completionTokens"), turn.last().at(), turn.last().message().getJsonObject("timings")
                .getJsonNumber("tokensPerSecond").doubleValue());
    }

    /** 8 phones on 4 slots against 8 direct clients, each asking again at once, for a fixed window per round. */
    private void load(List<JavaPhone> phones) throws Exception {
        long[] phoneTokens = new long[phones.size()];
        long[] directTokens = new long[phones.size()];
        double[] phoneInWindow = new double[phones.size()];
        double[] directInWindow = new double[phones.size()];
        double[] phoneTotals = new double[2];
        double[] directTotals = new double[2];
        int phoneAnswers = 0;
        int directAnswers = 0;
        ExecutorService threads = Executors.newFixedThreadPool(phones.size());
        try {
            for (int round = 0; round < loadRounds; round++) {
                directAnswers += window(threads, phones.size(), i -> direct.answer(), directTokens,
                        directInWindow, directTotals);
                int r = round;
                phoneAnswers += window(threads, phones.size(), i -> phoneAnswer(phones.get(i), "load-" + r + "-"
                        + i + "-" + System.nanoTime()), phoneTokens, phoneInWindow, phoneTotals);
            }
        } finally {
            threads.shutdownNow();
        }
        double oursRaw = total(phoneTokens) / phoneTotals[1];
        double baseRaw = total(directTokens) / directTotals[1];
        // The share of the 4 slots' time spent generating: llama-server's speed swings too much on this machine
        // for the raw tokens/s of two windows to compare.
        double ours = phoneTotals[0] / (SLOTS * phoneTotals[1]);
        double base = directTotals[0] / (SLOTS * directTotals[1]);
        write(new BenchmarkResult("chat-8-phones-tokens-per-second",
                "throughput of 8 clients on 4 llama-server slots as a share of the slots' capacity: llama-server's "
                        + "generation time of all answers / (4 × time from the start to the last answer), "
                        + loadRounds + " rounds of " + loadSeconds + " s of asking", ours, base, "ratio >= 0.95",
                ours / base >= 0.95, loadRounds,
                "8 Java phones on 4 slots vs 8 concurrent direct requests: how busy they keep the model's slots",
                Map.of("phone_answers", phoneAnswers, "direct_answers", directAnswers,
                        "ours_tokens_per_second", oursRaw, "baseline_tokens_per_second", baseRaw,
                        "raw_ratio", oursRaw / baseRaw,
                        "phone_tokens_each", java.util.Arrays.toString(phoneTokens),
                        "direct_tokens_each", java.util.Arrays.toString(directTokens))));
        double oursShare = share(phoneTokens);
        double baseShare = share(directTokens);
        write(new BenchmarkResult("chat-8-phones-share", "max/min tokens per client over all rounds", oursShare,
                baseShare, "ours <= 1.3", oursShare <= 1.3, loadRounds,
                "Fairness: most over least served of 8 phones (host's round-robin) vs 8 direct clients",
                Map.of("phone_tokens_each", java.util.Arrays.toString(phoneTokens),
                        "direct_tokens_each", java.util.Arrays.toString(directTokens))));
        // Whole answers are coarse (a few per client and window at a real model's speed, so one answer more reads
        // as 1.2 or 1.5 even for the direct clients): the same fairness over the tokens each client received
        // within the windows, an answer cut by a window's end counted pro rata over its stream.
        double oursTokenShare = share(phoneInWindow);
        double baseTokenShare = share(directInWindow);
        write(new BenchmarkResult("chat-8-phones-window-token-share", "max/min tokens received per client within "
                + "the asking windows (" + loadRounds + " rounds of " + loadSeconds + " s)", oursTokenShare,
                baseTokenShare, "ours <= 1.3", oursTokenShare <= 1.3, loadRounds,
                "Fairness over tokens served in the window: most over least served of 8 phones vs 8 direct clients",
                Map.of("phone_tokens_in_window_each", rounded(phoneInWindow),
                        "direct_tokens_in_window_each", rounded(directInWindow))));
    }

    /** What one client does once: returns the answer it got. */
    private interface Ask {
        Answer ask(int client) throws Exception;
    }

    /**
     * Runs {@code clients} loops of {@code ask}: each asks again while the window lasts, and its last answer is
     * waited for, so that no answer is cut by the window's end on either side. Adds each client's tokens to
     * {@code tokens}, those it received before the window's end to {@code inWindow}, the seconds llama-server spent generating them to {@code totals[0]}, and the time from the
     * start to the last answer to {@code totals[1]}.
     */
    private int window(ExecutorService threads, int clients, Ask ask, long[] tokens, double[] inWindow,
                       double[] totals) throws Exception {
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(loadSeconds).toNanos();
        long[] lastDone = {start};
        List<Future<Integer>> loops = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            int client = i;
            loops.add(threads.submit(() -> {
                int answers = 0;
                while (System.nanoTime() < end) {
                    Answer answer = ask.ask(client);
                    synchronized (tokens) {
                        tokens[client] += answer.completionTokens();
                        inWindow[client] += answer.tokensBefore(end);
                        totals[0] += answer.completionTokens() / answer.serverTokensPerSecond();
                        lastDone[0] = Math.max(lastDone[0], answer.doneNanos());
                    }
                    answers++;
                }
                return answers;
            }));
        }
        int answers = 0;
        for (Future<Integer> loop : loops) {
            answers += loop.get();
        }
        totals[1] += (lastDone[0] - start) / 1e9;
        return answers;
    }

    /**
     * 20 fresh Chromium profiles, each pairing with a new invite, asking once (not in the {@code channel} mode). Beside
     * the channel's figure, the page's own milestones (User Timing marks of client.js) show where the time goes.
     */
    private void pages(double directTtftP50) throws Exception {
        boolean ask = !only.equals("channel");
        List<Double> toChannel = new ArrayList<>();
        List<Double> toContentLoaded = new ArrayList<>();
        List<Double> toFirstToken = new ArrayList<>();
        Map<String, List<Double>> milestones = new LinkedHashMap<>();
        for (int run = 0; run < pageRuns; run++) {
            try (PhonePage page = new PhonePage(host, "bench-" + run)) {
                page.open(clientUrl + "?id=" + hostId + "&invite=" + owner.invite());
                page.awaitState("ready", Duration.ofSeconds(60));
                for (String milestone : MILESTONES) {
                    Object at = page.script("return performance.getEntriesByName(arguments[0])[0]?.startTime ?? null",
                            milestone);
                    if (at != null) {
                        milestones.computeIfAbsent(milestone, name -> new ArrayList<>())
                                .add(((Number) at).doubleValue());
                    }
                }
                // The page's own load before them: the document and the bundle (Resource Timing).
                String script = "performance.getEntriesByType('resource').find((r) => /\\/client\\.[^/]*js$/"
                        + ".test(r.name))";
                Map<String, String> loads = new LinkedHashMap<>();
                loads.put("page-response-end", "performance.getEntriesByType('navigation')[0].responseEnd");
                loads.put("script-request-start", script + "?.requestStart");
                loads.put("script-response-start", script + "?.responseStart");
                loads.put("script-response-end", script + "?.responseEnd");
                String ice = "performance.getEntriesByType('resource').find((r) => r.name.includes('/ice/'))";
                loads.put("ice-request-start", ice + "?.requestStart");
                loads.put("ice-response-end", ice + "?.responseEnd");
                for (Map.Entry<String, String> load : loads.entrySet()) {
                    Object at = page.script("return " + load.getValue() + " ?? null");
                    if (at != null) {
                        milestones.computeIfAbsent(load.getKey(), name -> new ArrayList<>())
                                .add(((Number) at).doubleValue());
                    }
                }
                toChannel.add(((Number) page.script("return performance.getEntriesByName('persona-channel-open')[0]"
                        + ".startTime")).doubleValue());
                toContentLoaded.add(((Number) page.script("return performance.getEntriesByType('navigation')[0]"
                        + ".domContentLoadedEventEnd")).doubleValue());
                if (!ask) {
                    continue;
                }
                page.script("document.getElementById('input').value = arguments[0];"
                        + "document.getElementById('composer').requestSubmit();", QUESTION);
                long deadline = System.nanoTime() + ANSWER.toNanos();
                Object firstToken;
                while ((firstToken = page.script("return performance.getEntriesByName('persona-first-token')[0]"
                        + "?.startTime ?? null")) == null) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("no first token in the page of run " + run);
                    }
                    Thread.sleep(5);
                }
                toFirstToken.add(((Number) firstToken).doubleValue());
            }
        }
        Samples channel = Samples.of(toChannel.stream().mapToDouble(Double::doubleValue).toArray());
        Samples loaded = Samples.of(toContentLoaded.stream().mapToDouble(Double::doubleValue).toArray());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("p90_ms", channel.percentile(90));
        milestones.forEach((name, times) -> details.put(name + "_p50_ms",
                Samples.of(times.stream().mapToDouble(Double::doubleValue).toArray()).median()));
        details.put("each", toChannel.toString());
        write(new BenchmarkResult("chat-page-to-channel-ms", "page open → data channel open, ms (p50 of " + pageRuns
                + " fresh browsers)", channel.median(), loaded.median(), "p50 <= 250 ms", channel.median() <= 250,
                pageRuns, "Chromium on loopback, the deployed host over HTTPS: navigation start → the data channel to "
                        + "the host is open (page, identity, signaling, WebRTC); baseline: the same page's "
                        + "DOMContentLoaded; the *_p50_ms details are the page's milestones (client.js marks)",
                details));
        if (!ask) {
            return;
        }
        Samples token = Samples.of(toFirstToken.stream().mapToDouble(Double::doubleValue).toArray());
        write(new BenchmarkResult("chat-qr-to-first-token-ms", "QR URL opened → first token on the page, ms (p50 "
                + "of " + pageRuns + ")", token.median(), directTtftP50, "reported", null, pageRuns,
                "Chromium: a new phone opens the QR URL, pairs, asks, sees the first token; baseline: direct TTFT",
                Map.of("p90_ms", token.percentile(90), "each", toFirstToken.toString())));
    }

    /**
     * The first load's bytes, gzipped by this benchmark (page, script, manifest, icon), against stock peerjs's alone;
     * and the first load as the host puts it on the wire (PageLoad: asked with {@code Accept-Encoding: br, gzip},
     * the service worker included) against the same load asked without {@code Accept-Encoding}.
     */
    private void pageBytes() throws Exception {
        PageLoad page = new PageLoad(host.trustingOnlyTheHostCa(), "https://127.0.0.1:" + host.httpsPort);
        Map<String, HttpResponse<byte[]>> plain = page.first(null);
        Map<String, Object> sizes = new LinkedHashMap<>();
        long total = 0;
        for (var file : plain.entrySet()) {
            if (file.getKey().equals("/client-sw.js")) {
                continue;
            }
            byte[] body = file.getValue().body();
            int gzipped = gzippedSize(body);
            sizes.put(file.getKey(), body.length + " B, " + gzipped + " B gzipped");
            total += gzipped;
        }
        int peerjs = gzippedSize(Files.readAllBytes(repository.resolve(
                "persona-web/src/main/frontend/node_modules/peerjs/dist/peerjs.min.js")));
        sizes.put("peerjs.min.js (baseline)", peerjs + " B gzipped");
        write(new BenchmarkResult("chat-client-page-gzip-bytes", "first load of the phone page, bytes gzipped",
                total, peerjs, "ours <= 102400", total <= 102_400, 1,
                "Phone page weight (page, script, manifest, icon) vs stock peerjs 1.5.5 alone", sizes));

        Map<String, HttpResponse<byte[]>> wire = page.first(PageLoad.BROWSER_ENCODINGS);
        Map<String, HttpResponse<byte[]>> repeat = page.repeat(wire, PageLoad.BROWSER_ENCODINGS);
        long sent = PageLoad.transferred(wire);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("first_load", PageLoad.describe(wire));
        details.put("baseline_load", PageLoad.describe(plain));
        write(new BenchmarkResult("chat-client-page-wire-bytes", "first load of the phone page, bytes on the wire",
                sent, PageLoad.transferred(plain), "ours <= 61440", sent <= 61_440, 1,
                "Phone page first load from the deployed host over HTTPS (Accept-Encoding: br, gzip; page, script,"
                        + " manifest, icon, service worker; HTTP/1.1 headers + bodies) vs the same load asked"
                        + " without Accept-Encoding", details));
        long again = PageLoad.transferred(repeat);
        write(new BenchmarkResult("chat-client-page-repeat-bytes", "repeat load of the phone page, bytes on the wire",
                again, sent, "ours <= 5120", again <= 5_120, 1,
                "Phone page loaded again by the same browser (the page and the service worker revalidated, the"
                        + " content-hashed files kept) vs its first load on the wire",
                Map.of("repeat_load", PageLoad.describe(repeat))));
    }

    private static int gzippedSize(byte[] body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(body);
        }
        return out.size();
    }

    private void write(BenchmarkResult result) throws IOException {
        result.write(results);
    }

    private static long total(long[] values) {
        long sum = 0;
        for (long v : values) {
            sum += v;
        }
        return sum;
    }

    private static double share(double[] tokens) {
        double max = Arrays.stream(tokens).max().orElse(0);
        double min = Arrays.stream(tokens).min().orElse(0);
        return min == 0 ? Double.POSITIVE_INFINITY : max / min;
    }

    private static String rounded(double[] values) {
        return Arrays.stream(values).mapToObj(v -> Long.toString(Math.round(v))).toList().toString();
    }

    private static double share(long[] tokens) {
        long max = Long.MIN_VALUE;
        long min = Long.MAX_VALUE;
        for (long t : tokens) {
            max = Math.max(max, t);
            min = Math.min(min, t);
        }
        return min == 0 ? Double.POSITIVE_INFINITY : (double) max / min;
    }

    /** One answer as a client saw it ({@link System#nanoTime()} values). */
    public record Answer(long sentNanos, long firstTokenNanos, long lastTokenNanos, int completionTokens, long doneNanos,
                  double serverTokensPerSecond) {
        public double ttftMillis() {
            return (firstTokenNanos - sentNanos) / 1e6;
        }

        /** The answer's tokens after the first over the time from the first to the last, as the client saw them. */
        public double tokensPerSecond() {
            return (completionTokens - 1) / ((lastTokenNanos - firstTokenNanos) / 1e9);
        }

        /**
         * The tokens received before {@code endNanos}: all, none, or for an answer that streamed across it, its
         * first token and the others in proportion to the part of its stream (first to last token) before it.
         */
        double tokensBefore(long endNanos) {
            if (lastTokenNanos <= endNanos) {
                return completionTokens;
            }
            if (firstTokenNanos > endNanos) {
                return 0;
            }
            return 1 + (completionTokens - 1) * (double) (endNanos - firstTokenNanos)
                    / (lastTokenNanos - firstTokenNanos);
        }

        /**
         * How much of llama-server's own generation speed for this answer reached the client: the client's
         * tokens/s over the tokens/s llama-server reports for the same answer ({@code timings}). 1 = nothing lost.
         */
        public double efficiency() {
            return tokensPerSecond() / serverTokensPerSecond;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.1f ms, %d tokens", ttftMillis(), completionTokens);
        }
    }
}

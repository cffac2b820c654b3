package dev.persona.bench.chat;

import static dev.persona.testkit.Directories.deleteRecursively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPOutputStream;

import dev.persona.bench.BenchmarkResult;
import dev.persona.bench.Samples;
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
 *       same: aggregate tokens/s (≥ 0.95) and max/min tokens per client (≤ 1.3);</li>
 *   <li>Chromium: page open → data channel open and QR URL → first token, p50 over 20 fresh browsers, each
 *       pairing with a new invite; the first load's gzipped bytes against stock peerjs's alone.</li>
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
    private static final List<String> MILESTONES = List.of("persona-identity-ready", "persona-signaling-open",
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
    /**
     * {@code page}: only the page-weight figures (the host started, no phones, no model load); {@code channel}: only
     * page open → data channel open (fresh browsers that pair and stop there, no question asked).
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
        for (int warm = 0; warm < 2; warm++) {
            phoneAnswer(phone, "warm-" + warm);
            direct.answer();
        }
        List<Double> phoneEfficiency = new ArrayList<>();
        List<Double> directEfficiency = new ArrayList<>();
        List<Double> phoneTtft = new ArrayList<>();
        List<Double> directTtft = new ArrayList<>();
        List<Double> phoneRate = new ArrayList<>();
        List<Double> directRate = new ArrayList<>();
        HOST_SIDE.clear();
        for (int run = 0; run < relayRuns; run++) {
            Answer mine = phoneAnswer(phone, "relay-" + run);
            Answer theirs = direct.answer();
            phoneTtft.add(mine.ttftMillis());
            directTtft.add(theirs.ttftMillis());
            phoneRate.add(mine.tokensPerSecond());
            directRate.add(theirs.tokensPerSecond());
            phoneEfficiency.add(mine.efficiency());
            directEfficiency.add(theirs.efficiency());
        }
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
        double[] phoneTotals = new double[2];
        double[] directTotals = new double[2];
        int phoneAnswers = 0;
        int directAnswers = 0;
        ExecutorService threads = Executors.newFixedThreadPool(phones.size());
        try {
            for (int round = 0; round < loadRounds; round++) {
                directAnswers += window(threads, phones.size(), i -> direct.answer(), directTokens,
                        directTotals);
                int r = round;
                phoneAnswers += window(threads, phones.size(), i -> phoneAnswer(phones.get(i), "load-" + r + "-"
                        + i + "-" + System.nanoTime()), phoneTokens, phoneTotals);
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
    }

    /** What one client does once: returns the answer it got. */
    private interface Ask {
        Answer ask(int client) throws Exception;
    }

    /**
     * Runs {@code clients} loops of {@code ask}: each asks again while the window lasts, and its last answer is
     * waited for, so that no answer is cut by the window's end on either side. Adds each client's tokens to
     * {@code tokens}, the seconds llama-server spent generating them to {@code totals[0]}, and the time from the
     * start to the last answer to {@code totals[1]}.
     */
    private int window(ExecutorService threads, int clients, Ask ask, long[] tokens, double[] totals)
            throws Exception {
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
        details.put("repeat_load_bytes", PageLoad.transferred(repeat));
        details.put("repeat_load", PageLoad.describe(repeat));
        write(new BenchmarkResult("chat-client-page-wire-bytes", "first load of the phone page, bytes on the wire",
                sent, PageLoad.transferred(plain), "ours <= 61440", sent <= 61_440, 1,
                "Phone page first load from the deployed host over HTTPS (Accept-Encoding: br, gzip; page, script,"
                        + " manifest, icon, service worker; HTTP/1.1 headers + bodies) vs the same load asked"
                        + " without Accept-Encoding", details));
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

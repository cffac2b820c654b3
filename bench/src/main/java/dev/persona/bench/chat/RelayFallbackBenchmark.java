package dev.persona.bench.chat;

import static dev.persona.testkit.Directories.deleteRecursively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.persona.bench.BenchmarkResult;
import dev.persona.bench.Samples;
import dev.persona.testkit.OwnerDesk;
import dev.persona.testkit.PersonaHost;
import dev.persona.testkit.PhoneNetwork;
import dev.persona.testkit.PhonePage;

/**
 * Issue 16's figures for the relay WebSocket, on one real host started with {@code ./persona} (its own data directory
 * and ports, one llama-server slot, the tiny model with greedy sampling and no end of text, so that every answer is
 * the same 256 tokens): the phone page in headless Chromium on a phone network of its own ({@link PhoneNetwork}, as
 * in PhoneNetworkIT), once with everything forwarded (the data channel carries the chat: the baseline) and once with
 * only the host's HTTPS port reachable (the page falls back to the relay), alternating, each run a fresh page load of
 * a paired phone that asks one question on a new chat. From the page's own marks (client.js):
 *
 * <ul>
 *   <li>{@code chat-wss-relay-fallback-to-first-token-ms} (target p50 ≤ 3 s): from the moment the page decides to
 *       fall back (ICE failed, or its checks unanswered) to the first token over the relay; baseline: from the data
 *       channel's open to its first token;</li>
 *   <li>{@code chat-wss-relay-page-open-to-first-token-ms} (reported): page open → first token over the relay, against
 *       the same over the data channel;</li>
 *   <li>{@code chat-wss-relay-tokens-per-second} (ratio ≥ 0.98): the page's tokens/s over llama-server's own for the
 *       same answer, relay against data channel;</li>
 *   <li>{@code chat-wss-relay-added-ttft-ms} (added p50 ≤ 20 ms): send → first token at the page, relay against data
 *       channel.</li>
 * </ul>
 *
 * The time the benchmark itself takes between the page's "ready" and its click on Send is left out of the spans
 * that cross it. Needs root and network namespaces: {@code bench/run relay} starts it through
 * {@code scripts/loopback-namespace/bin/java}.
 */
public final class RelayFallbackBenchmark {

    private static final String QUESTION = ChatBenchmark.QUESTION;
    private static final int MAX_TOKENS = ChatBenchmark.MAX_TOKENS;
    private static final Duration READY = Duration.ofSeconds(60);
    private static final Duration ANSWER = Duration.ofSeconds(120);
    /** The page's marks of one run, read after its answer is complete. */
    private static final String MARKS = """
            const at = (n) => performance.getEntriesByName(n)[0] ?? null;
            const time = (n) => at(n)?.startTime ?? null;
            const done = at('persona-answer-done');
            return {signaling: time('persona-signaling-open'), channel: time('persona-channel-open'),
              relay: time('persona-relay-start'), why: at('persona-relay-start')?.detail ?? null,
              ready: time('persona-ready'), token: time('persona-first-token'), lastToken: done?.detail?.lastToken,
              tokens: done?.detail?.completionTokens, serverRate: done?.detail?.tokensPerSecond};""";

    private final Path repository;
    private final int runs = Integer.getInteger("bench.relay.runs", 10);
    private PersonaHost host;
    private PhoneNetwork network;
    private String hostId;

    private RelayFallbackBenchmark(Path repository) {
        this.repository = repository;
    }

    public static void main(String[] arguments) throws Exception {
        new RelayFallbackBenchmark(Path.of(System.getProperty("bench.repository", ".")).toAbsolutePath()).run();
        System.exit(0);
    }

    /** One page load that asked one question, as the page's marks tell it (ms since the page's navigation). */
    private record Run(String side, double signaling, Double channel, Double relay, String why, double ready,
                       double sent, double token, double lastToken, int tokens, double serverRate) {

        /** Page open → first token, without the benchmark's own time between ready and send. */
        double openToToken() {
            return token - (sent - ready);
        }

        double sendToToken() {
            return token - sent;
        }

        /** From the transport's decision (relay start, or the data channel's open) to the first token over it. */
        double transportToToken() {
            return ready - (relay != null ? relay : channel) + sendToToken();
        }

        /** The page's tokens/s over llama-server's own for the same answer. */
        double efficiency() {
            return (tokens - 1) / ((lastToken - token) / 1000) / serverRate;
        }
    }

    private void run() throws Exception {
        Path data = repository.resolve("bench/work/relay-host");
        deleteRecursively(data);
        network = PhoneNetwork.create(); // before the host starts, so that its address is one of the host's origins
        String loadBefore = loadAverage();
        host = new PersonaHost(data).with("PERSONA_LLAMA_CONTEXT_SIZE", "2048")
                .with("PERSONA_LLAMA_PARALLEL_SLOTS", "1")
                .with("PERSONA_CHAT_MAX_TOKENS", Integer.toString(MAX_TOKENS))
                .with("PERSONA_LLAMA_EXTRA_ARGUMENTS", "--temp 0 --ignore-eos");
        try {
            hostId = host.start().pairingUrl().hostId();
            OwnerDesk owner = OwnerDesk.deployInto(host);
            try (PhonePage page = PhonePage.onPhoneNetwork(host, "bench-relay", network)) {
                network.allowAll();
                page.open(page.origin() + "/client?id=" + hostId + "&invite=" + owner.invite());
                page.awaitState("ready", READY);
                leave(page);
                // One warm-up run of each side (the first relay socket, the first answer of the model).
                once(page, "channel");
                once(page, "relay");
                List<Run> channel = new ArrayList<>();
                List<Run> relay = new ArrayList<>();
                for (int run = 0; run < runs; run++) {
                    // Alternating, and alternating which side goes first.
                    for (String side : run % 2 == 0 ? List.of("channel", "relay") : List.of("relay", "channel")) {
                        Run measured = once(page, side);
                        (side.equals("relay") ? relay : channel).add(measured);
                        System.out.println("run " + run + ": " + measured);
                    }
                }
                write(channel, relay, loadBefore, loadAverage());
            }
        } finally {
            try {
                host.stop();
            } finally {
                network.close();
            }
        }
    }

    /** A fresh load of the paired phone's page under {@code side}'s network, one question on a new chat. */
    private Run once(PhonePage page, String side) throws Exception {
        if (side.equals("relay")) {
            network.onlyTcpTo(host.httpsPort);
        } else {
            network.allowAll();
        }
        page.open(page.origin() + "/client?id=" + hostId);
        page.awaitState("ready", READY);
        double sent = ((Number) page.script("document.getElementById('input').value = arguments[0];"
                + "document.getElementById('send').click(); return performance.now();", QUESTION)).doubleValue();
        page.awaitAnswerStarted(1, ANSWER);
        page.awaitIdle(ANSWER);
        @SuppressWarnings("unchecked")
        Map<String, Object> marks = (Map<String, Object>) page.script(MARKS);
        Run run = new Run(side, number(marks, "signaling"), optional(marks, "channel"), optional(marks, "relay"),
                (String) marks.get("why"), number(marks, "ready"), sent, number(marks, "token"),
                number(marks, "lastToken"), (int) number(marks, "tokens"), number(marks, "serverRate"));
        boolean relayed = run.relay() != null && run.channel() == null;
        if (relayed != side.equals("relay")) {
            throw new IllegalStateException("the " + side + " run was carried by the "
                    + (relayed ? "relay" : "data channel") + ": " + run);
        }
        leave(page);
        return run;
    }

    /** Ends the page's connections, and its conversation, so that the next load starts a new chat. */
    private void leave(PhonePage page) {
        page.script("localStorage.removeItem('persona-conversation-' + arguments[0])", hostId);
        page.open("about:blank");
    }

    private void write(List<Run> channel, List<Run> relay, String loadBefore, String loadAfter) throws IOException {
        Path results = repository.resolve("bench/results");
        Map<String, Object> common = new LinkedHashMap<>();
        common.put("load_average_before", loadBefore);
        common.put("load_average_after", loadAfter);
        common.put("max_tokens", MAX_TOKENS);

        Samples fallback = samples(relay, Run::transportToToken);
        Samples channelStart = samples(channel, Run::transportToToken);
        Map<String, Object> details = new LinkedHashMap<>(common);
        details.put("signaling_open_to_relay_start_p50_ms", samples(relay, r -> r.relay() - r.signaling()).median());
        details.put("relay_start_reasons", relay.stream().map(Run::why).toList().toString());
        details.put("ours_p90_ms", fallback.percentile(90));
        details.put("ours_each", each(relay, Run::transportToToken));
        details.put("baseline_each", each(channel, Run::transportToToken));
        new BenchmarkResult("chat-wss-relay-fallback-to-first-token-ms", "from the page's decision to fall back to "
                + "the relay (ICE failed or its checks unanswered) to the first token over the relay, ms (p50 of "
                + runs + " page loads)", fallback.median(), channelStart.median(), "ours p50 <= 3000 ms",
                fallback.median() <= 3000, runs, "Relay fallback: only the host's HTTPS port reachable, the page's "
                + "fallback decision → first token over the relay WebSocket; baseline: data channel open → first "
                + "token, everything forwarded", details).write(results);

        Samples openRelay = samples(relay, Run::openToToken);
        Samples openChannel = samples(channel, Run::openToToken);
        details = new LinkedHashMap<>(common);
        details.put("ours_p90_ms", openRelay.percentile(90));
        details.put("ours_each", each(relay, Run::openToToken));
        details.put("baseline_each", each(channel, Run::openToToken));
        new BenchmarkResult("chat-wss-relay-page-open-to-first-token-ms", "page open → first token, ms (p50 of "
                + runs + " page loads of a paired phone)", openRelay.median(), openChannel.median(), "reported",
                null, runs, "A paired phone's page where only the host's HTTPS port is reachable (relay) vs "
                + "everything forwarded (data channel), same host, alternating", details).write(results);

        Samples rateRelay = samples(relay, Run::efficiency);
        Samples rateChannel = samples(channel, Run::efficiency);
        details = new LinkedHashMap<>(common);
        details.put("ours_tokens_per_second_each", each(relay, r -> r.efficiency() * r.serverRate()));
        details.put("baseline_tokens_per_second_each", each(channel, r -> r.efficiency() * r.serverRate()));
        details.put("ours_efficiency_each", each(relay, Run::efficiency));
        details.put("baseline_efficiency_each", each(channel, Run::efficiency));
        new BenchmarkResult("chat-wss-relay-tokens-per-second", "tokens/s at the page over llama-server's own "
                + "tokens/s for the same answer (median of " + runs + ")", rateRelay.median(), rateChannel.median(),
                "ratio >= 0.98", rateRelay.median() / rateChannel.median() >= 0.98, runs,
                "Relay WebSocket vs data channel: how much of llama-server's speed reaches the page, same answer",
                details).write(results);

        Samples ttftRelay = samples(relay, Run::sendToToken);
        Samples ttftChannel = samples(channel, Run::sendToToken);
        double added = ttftRelay.median() - ttftChannel.median();
        details = new LinkedHashMap<>(common);
        details.put("added_p50_ms", added);
        details.put("ours_p90_ms", ttftRelay.percentile(90));
        details.put("baseline_p90_ms", ttftChannel.percentile(90));
        details.put("ours_each", each(relay, Run::sendToToken));
        details.put("baseline_each", each(channel, Run::sendToToken));
        new BenchmarkResult("chat-wss-relay-added-ttft-ms", "time to first token at the page (send → first token), "
                + "ms (p50 of " + runs + ")", ttftRelay.median(), ttftChannel.median(), "added p50 <= 20 ms",
                added <= 20, runs, "Relay WebSocket vs data channel: time to first token on the page, same host, "
                + "same run, alternating", details).write(results);
    }

    private static Samples samples(List<Run> runs, Function<Run, Double> figure) {
        return Samples.of(runs.stream().mapToDouble(figure::apply).toArray());
    }

    private static String each(List<Run> runs, Function<Run, Double> figure) {
        return runs.stream().map(r -> String.format(java.util.Locale.ROOT, "%.1f", figure.apply(r))).toList()
                .toString();
    }

    private static double number(Map<String, Object> marks, String name) {
        Object value = marks.get(name);
        if (!(value instanceof Number number)) {
            throw new IllegalStateException("the page has no '" + name + "' mark: " + marks);
        }
        return number.doubleValue();
    }

    private static Double optional(Map<String, Object> marks, String name) {
        return marks.get(name) instanceof Number number ? number.doubleValue() : null;
    }

    private static String loadAverage() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }
}

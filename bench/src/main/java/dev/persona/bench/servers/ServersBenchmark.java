package dev.persona.bench.servers;

import static dev.persona.testkit.Directories.deleteRecursively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import dev.persona.bench.BenchmarkResult;
import dev.persona.bench.ProcessMemory;
import dev.persona.bench.Samples;
import dev.persona.bench.chat.ChatBenchmark;
import dev.persona.bench.chat.ChatBenchmark.Answer;
import dev.persona.bench.chat.DirectLlama;
import dev.persona.bench.signaling.PeerSwarm;
import dev.persona.testkit.JavaPhone;
import dev.persona.testkit.PersonaHost;

/**
 * The same EAR on both servers, side by side in one run (issue 18, item 4): the host as {@code ./persona start}
 * deploys it on WildFly and as {@code ./persona start --server payara} deploys it on Payara, each with a data
 * directory of its own and the same settings (those of {@link ChatBenchmark}: 4 slots, 256 greedy tokens per
 * answer), one at a time, rounds alternating (WildFly first in odd rounds, Payara first in even ones). Each server
 * first gets a start and stop that is not measured (the data directory's CA, database and test model; Payara's
 * template domain when the cache lacks it). Every round of one server:
 *
 * <ol>
 *   <li>boot + deploy: the launcher's wall time from {@code ./persona start --background} until it returns with the
 *       EAR deployed and the pairing URL printed (the same definition on both servers: WildFly's own "started in"
 *       has no Payara twin that covers the deployment);</li>
 *   <li>chat relay: a {@link JavaPhone} pairs with the start's invite, then asks {@link ChatBenchmark}'s question
 *       ({@link ChatBenchmark#phoneAnswer}), alternating with the same request sent straight to the host's
 *       llama-server ({@link DirectLlama}): tokens/s at the phone and the time to first token it adds;</li>
 *   <li>idle memory: the server JVM's resident set after those turns and a settling pause (llama-server not
 *       counted);</li>
 *   <li>signaling: {@link PeerSwarm} connects key-proven peers over {@code wss://} (50 per loopback source address,
 *       as shipped) and relays messages between random pairs with a window in flight: messages/s and the server
 *       JVM's CPU time per relayed message.</li>
 * </ol>
 * Rows {@code servers-*.json}: {@code ours} = Payara, {@code baseline} = WildFly; target "reported". Settings
 * (system properties): {@code bench.servers.rounds} (2), {@code bench.servers.relay.runs} (6),
 * {@code bench.servers.peers} (500), {@code bench.servers.messages} (20000), {@code bench.servers.window} (200),
 * {@code bench.servers.settle.seconds} (10), the host's ports {@code persona.it.*.port}. Must run where loopback is
 * the only network: {@code bench/run servers} starts it through {@code scripts/loopback-namespace/bin/java}.
 */
public final class ServersBenchmark {

    private static final List<String> SERVERS = List.of("wildfly", "payara");
    private static final Duration PHASE_LIMIT = Duration.ofSeconds(120);

    private final Path repository;
    private final int rounds = Integer.getInteger("bench.servers.rounds", 2);
    private final int relayRuns = Integer.getInteger("bench.servers.relay.runs", 6);
    private final int peers = Integer.getInteger("bench.servers.peers", 500);
    private final int messages = Integer.getInteger("bench.servers.messages", 20_000);
    private final int window = Integer.getInteger("bench.servers.window", 200);
    private final Duration settle = Duration.ofSeconds(Integer.getInteger("bench.servers.settle.seconds", 10));
    private final SecureRandom random = new SecureRandom();
    /** The next loopback source address to hand out: never reused in the run, so no proof is seen twice. */
    private int nextSource;

    /** One round of one server. */
    private record Round(String server, int round, double bootSeconds, double idleRssMb, double phoneTokensPerSecond,
                         double directTokensPerSecond, double efficiency, double addedTtftMs, double phoneTtftMs,
                         double messagesPerSecond, double cpuMicrosPerMessage, int lost, String load) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-7s round %d: boot %.1f s, RSS %.0f MB, relay %.1f tokens/s "
                            + "(direct %.1f), TTFT %.1f ms (+%.1f), signaling %.0f msg/s at %.1f µs CPU/msg, lost %d "
                            + "(load %s)", server, round, bootSeconds, idleRssMb, phoneTokensPerSecond,
                    directTokensPerSecond, phoneTtftMs, addedTtftMs, messagesPerSecond, cpuMicrosPerMessage, lost,
                    load);
        }
    }

    private ServersBenchmark(Path repository) {
        this.repository = repository;
    }

    public static void main(String[] arguments) throws Exception {
        JavaPhone.requireLoopbackNetwork();
        long started = System.nanoTime();
        new ServersBenchmark(Path.of(System.getProperty("bench.repository", ".")).toAbsolutePath().normalize())
                .run();
        JavaPhone.disposeFactory();
        System.out.printf(Locale.ROOT, "[servers] done in %.0f s%n", (System.nanoTime() - started) / 1e9);
        System.exit(0);
    }

    private void run() throws Exception {
        Map<String, PersonaHost> hosts = new LinkedHashMap<>();
        for (String server : SERVERS) {
            Path data = repository.resolve("bench/work/servers-" + server);
            deleteRecursively(data);
            PersonaHost host = new PersonaHost(data).onServer(server)
                    .with("PERSONA_LLAMA_CONTEXT_SIZE", "4096")
                    .with("PERSONA_LLAMA_PARALLEL_SLOTS", Integer.toString(ChatBenchmark.SLOTS))
                    .with("PERSONA_CHAT_MAX_TOKENS", Integer.toString(ChatBenchmark.MAX_TOKENS))
                    .with("PERSONA_LLAMA_EXTRA_ARGUMENTS", "--temp 0 --ignore-eos");
            hosts.put(server, host);
            long begun = System.nanoTime();
            host.start();
            host.stop();
            log(String.format(Locale.ROOT, "%s: first start and stop (not measured) %.1f s", server,
                    (System.nanoTime() - begun) / 1e9));
        }
        String loadBefore = loadAverage();
        Map<String, List<Round>> measured = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            List<String> order = round % 2 == 1 ? SERVERS : List.of(SERVERS.get(1), SERVERS.get(0));
            for (String server : order) {
                Round figures = round(hosts.get(server), server, round);
                log(figures.toString());
                measured.computeIfAbsent(server, s -> new ArrayList<>()).add(figures);
            }
        }
        report(measured.get("payara"), measured.get("wildfly"), loadBefore, loadAverage());
    }

    private Round round(PersonaHost host, String server, int round) throws Exception {
        String load = loadAverage();
        long begun = System.nanoTime();
        PersonaHost.Run started = host.start();
        double boot = (System.nanoTime() - begun) / 1e9;
        try {
            long pid = host.serverPid();
            PersonaHost.PairingUrl pairing = started.pairingUrl();
            ChatBenchmark.Turns turns;
            try (JavaPhone phone = new JavaPhone(host, "servers-" + server)) {
                phone.connect(pairing.hostId());
                String decision = phone.handshake(pairing.hostId(), pairing.invite()).type();
                if (!decision.equals("admitted")) {
                    throw new IllegalStateException(server + ": the phone was not admitted: " + decision);
                }
                DirectLlama direct = DirectLlama.of(host.dataDirectory, ChatBenchmark.SYSTEM_PROMPT,
                        ChatBenchmark.QUESTION, ChatBenchmark.MAX_TOKENS);
                turns = ChatBenchmark.alternate(phone, direct, "round-" + round + "-", 1, relayRuns);
            }
            Thread.sleep(settle.toMillis());
            double idleRss = ProcessMemory.residentBytes(pid) / 1e6;

            int lost;
            double rate;
            double cpuPerMessage;
            try (PeerSwarm swarm = new PeerSwarm(2, host.trustingOnlyTheHostCa())) {
                List<PeerSwarm.Identity> identities = PeerSwarm.keyProven(peers, "https://127.0.0.1:"
                        + host.httpsPort, nextSource, random);
                nextSource += PeerSwarm.sourcesFor(peers);
                swarm.connect(host.httpsPort, identities, 64, PHASE_LIMIT);
                long[] before = ProcessMemory.userAndSystemNanos(pid);
                PeerSwarm.Relay relay = swarm.relay(messages, window, PHASE_LIMIT);
                long[] after = ProcessMemory.userAndSystemNanos(pid);
                lost = relay.sent() - relay.received();
                rate = relay.messagesPerSecond();
                cpuPerMessage = (after[0] + after[1] - before[0] - before[1]) / 1e3 / Math.max(1, relay.received());
            }
            double phoneTtftP50 = median(turns.phoneEach(Answer::ttftMillis));
            return new Round(server, round, boot, idleRss, median(turns.phoneEach(Answer::tokensPerSecond)),
                    median(turns.directEach(Answer::tokensPerSecond)), median(turns.phoneEach(Answer::efficiency)),
                    phoneTtftP50 - median(turns.directEach(Answer::ttftMillis)), phoneTtftP50, rate, cpuPerMessage,
                    lost, load);
        } finally {
            host.stop();
        }
    }

    private void report(List<Round> payara, List<Round> wildfly, String loadBefore, String loadAfter)
            throws IOException {
        Path results = repository.resolve("bench/results");
        String both = "Payara (ours) vs WildFly (baseline), the same EAR, rounds alternating: ";
        row("servers-boot-seconds", "boot + deploy: ./persona start --background's wall time until the EAR is "
                + "deployed, s (median of " + rounds + ")", payara, wildfly, Round::bootSeconds,
                both + "start to deployed", loadBefore, loadAfter).write(results);
        row("servers-idle-rss-mb", "server JVM resident memory after start, " + (relayRuns + 1) + " chat turns and "
                + settle.toSeconds() + " s idle, MB (median of " + rounds + "; llama-server not counted)", payara,
                wildfly, Round::idleRssMb, both + "memory after start and chat", loadBefore, loadAfter)
                .write(results);
        BenchmarkResult tokens = row("servers-relay-tokens-per-second", "tokens/s at a Java phone over the data "
                        + "channel, median of " + relayRuns + " answers per round, median of " + rounds, payara,
                wildfly, Round::phoneTokensPerSecond, both + "relay tokens/s", loadBefore, loadAfter);
        tokens.details().put("ours_direct_tokens_per_second_each", each(payara, Round::directTokensPerSecond));
        tokens.details().put("baseline_direct_tokens_per_second_each", each(wildfly,
                Round::directTokensPerSecond));
        tokens.details().put("ours_efficiency_each", each(payara, Round::efficiency));
        tokens.details().put("baseline_efficiency_each", each(wildfly, Round::efficiency));
        tokens.write(results);
        BenchmarkResult ttft = row("servers-relay-added-ttft-ms", "time to first token at the phone minus the same "
                        + "request's sent straight to the host's llama-server, p50 of " + relayRuns + " per round, ms "
                        + "(median of " + rounds + ")", payara, wildfly, Round::addedTtftMs,
                both + "TTFT the relay adds", loadBefore, loadAfter);
        ttft.details().put("ours_phone_ttft_p50_each", each(payara, Round::phoneTtftMs));
        ttft.details().put("baseline_phone_ttft_p50_each", each(wildfly, Round::phoneTtftMs));
        ttft.write(results);
        BenchmarkResult signaling = row("servers-signaling-messages-per-second", "signaling messages relayed per "
                        + "second over wss, " + peers + " key-proven peers, " + messages + " messages, " + window
                        + " in flight (median of " + rounds + ")", payara, wildfly, Round::messagesPerSecond,
                both + "signaling throughput", loadBefore, loadAfter);
        signaling.details().put("ours_lost_each", each(payara, Round::lost));
        signaling.details().put("baseline_lost_each", each(wildfly, Round::lost));
        signaling.write(results);
        row("servers-signaling-cpu-us-per-message", "server JVM CPU time (user + kernel) per relayed signaling "
                        + "message, µs (median of " + rounds + ")", payara, wildfly, Round::cpuMicrosPerMessage,
                both + "signaling CPU per message", loadBefore, loadAfter).write(results);
    }

    private BenchmarkResult row(String name, String metric, List<Round> payara, List<Round> wildfly,
                                ToDoubleFunction<Round> figure, String meaning, String loadBefore,
                                String loadAfter) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("ours_server", "payara");
        details.put("baseline_server", "wildfly");
        details.put("ours_each", each(payara, figure));
        details.put("baseline_each", each(wildfly, figure));
        details.put("load_average_each_round_ours", payara.stream().map(Round::load).toList().toString());
        details.put("load_average_each_round_baseline", wildfly.stream().map(Round::load).toList().toString());
        details.put("load_average_before", loadBefore);
        details.put("load_average_after", loadAfter);
        details.put("cpus", Runtime.getRuntime().availableProcessors());
        return new BenchmarkResult(name, metric, median(payara, figure), median(wildfly, figure), "reported", null,
                rounds, meaning, details);
    }

    private static String each(List<Round> rounds, ToDoubleFunction<Round> figure) {
        return rounds.stream().map(r -> String.format(Locale.ROOT, "%.2f", figure.applyAsDouble(r))).toList()
                .toString();
    }

    private static double median(List<Round> rounds, ToDoubleFunction<Round> figure) {
        return Samples.of(rounds.stream().mapToDouble(figure).toArray()).median();
    }

    private static double median(List<Double> values) {
        return Samples.of(values.stream().mapToDouble(Double::doubleValue).toArray()).median();
    }

    private static String loadAverage() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }

    private static void log(String line) {
        System.out.println("[servers] " + line);
    }
}

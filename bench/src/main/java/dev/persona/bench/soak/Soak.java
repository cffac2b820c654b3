package dev.persona.bench.soak;

import static dev.persona.testkit.Directories.deleteRecursively;

import dev.persona.bench.JvmProcess;
import dev.persona.bench.ProcessMemory;
import dev.persona.bench.Samples;
import dev.persona.bench.signaling.PeerSwarm;
import dev.persona.testkit.JavaPhone;
import dev.persona.testkit.OwnerDesk;
import dev.persona.testkit.PersonaHost;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.net.ssl.SSLContext;

/**
 * Issue 17's soak: the host as {@code ./persona start --background} deploys it under a steady mixed load for a
 * bounded time, watched from outside. Signaling peers ({@link PeerSwarm}, key-proven ids over {@code wss://}) stay
 * connected and relay messages at a steady rate, a few more connect, relay and leave every period (churn: what leaks
 * per connection shows), and Java phones ({@link JavaPhone}, WebRTC) chat in a loop. After each period the host's
 * JVM is sampled: resident set, heap after a full collection, open descriptors, threads. A warm-up comes first; then
 * the load stops for a quiet moment whose descriptors and threads are the level the host must come back to once the
 * measured load is over. Errors: turns that did not end with {@code done}, signaling frames that were neither OPEN nor
 * a relayed message, sockets the host closed, churn peers that could not connect, and the ERROR lines of the host's
 * server.log (its stop included); lost messages: relayed messages that never arrived. Used by
 * {@link SoakBenchmark} (30 minutes) and by the short version CI runs (bench's {@code SoakIT}).
 */
public final class Soak {

    /** A turn's answer may wait behind the other phones' turns on a busy, shared machine. */
    private static final Duration ANSWER = Duration.ofSeconds(240);
    private static final Duration CONNECT = Duration.ofSeconds(180);
    /** How long the host may take after the load to come back to its quiet level (pools let idle threads go). */
    private static final Duration SETTLE = Duration.ofSeconds(150);
    private static final Duration QUIET = Duration.ofSeconds(15);

    /**
     * What to run.
     *
     * @param peers          signaling peers connected for the whole run
     * @param phones         Java phones chatting in a loop
     * @param warmUp         load before the quiet level and the first measured sample
     * @param load           the measured load
     * @param period         relay time between two samples
     * @param relayPerSecond messages the connected peers relay per second (paced, between random pairs)
     * @param churnPeers     peers that connect, relay and leave in each period
     * @param pause          a phone's pause between the end of a turn and its next one
     */
    public record Plan(int peers, int phones, Duration warmUp, Duration load, Duration period, int relayPerSecond,
                       int churnPeers, Duration pause) {
    }

    /** The host JVM after a period: resident set, heap after a full collection, descriptors, threads. */
    public record Sample(double atSeconds, boolean warmUp, long residentBytes, long heapBytes, int descriptors,
                         int threads, double loadAverage) {
    }

    /** The host's open descriptors and threads at a quiet moment (everyone connected, nothing sent). */
    public record Level(int descriptors, int threads) {
    }

    /** A phone's turn: when it was sent (seconds into the measured load, negative in the warm-up), its TTFT. */
    record TurnRecord(double atSeconds, double ttftMillis) {
    }

    /** A relay period's latencies (ms), when it started (seconds into the measured load). */
    record RelayRecord(double atSeconds, double[] latencyMillis) {
    }

    /**
     * What the soak saw.
     *
     * @param quietBefore     the level after the warm-up, at a quiet moment
     * @param quietAfter      the level once the measured load ended (the first that came back to quietBefore's
     *                        within the settle time, else the last read)
     * @param settleSeconds   how long quietAfter took to read
     * @param turns           turns answered ({@code done})
     * @param turnErrors      turns that failed (error, no answer in time, a message of another turn)
     * @param relayed         relayed messages sent (connected peers and churn)
     * @param lost            of them, those that never arrived
     * @param unexpected      frames neither OPEN nor a relayed message, sockets closed by the host, churn connects
     *                        that failed
     * @param churned         churn peers that connected and left
     * @param errorSamples    a few of the errors, to say what went wrong
     * @param serverLogErrors the ERROR lines of the host's server.log after its stop
     */
    public record Outcome(Plan plan, List<Sample> samples, Level quietBefore, Level quietAfter, double settleSeconds,
                          List<TurnRecord> turnRecords, List<RelayRecord> relayRecords, int turns, int turnErrors,
                          long relayed, long lost, int unexpected, int churned, List<String> errorSamples,
                          List<String> serverLogErrors) {

        /** Samples taken during the measured load. */
        public List<Sample> measured() {
            return samples.stream().filter(sample -> !sample.warmUp()).toList();
        }

        /** The measured samples of the first ({@code end} false) or the last fifth of the load. */
        public List<Sample> fifth(boolean end) {
            double cut = plan.load().toMillis() / 1000.0 / 5;
            double last = plan.load().toMillis() / 1000.0 - cut;
            List<Sample> chosen = measured().stream().filter(s -> end ? s.atSeconds() >= last
                    : s.atSeconds() <= cut).toList();
            // At least one sample: the first or the last measured one.
            if (chosen.isEmpty() && !measured().isEmpty()) {
                return List.of(end ? measured().get(measured().size() - 1) : measured().get(0));
            }
            return chosen;
        }

        /** p99 of the turns' TTFT (ms) sent in the first or the last fifth of the measured load; NaN if none. */
        public double ttftP99(boolean end) {
            return p99(turnRecords.stream().filter(t -> inFifth(t.atSeconds(), end)).mapToDouble(TurnRecord::ttftMillis)
                    .toArray());
        }

        /** p99 of the relay latency (ms) of the periods started in the first or the last fifth; NaN if none. */
        public double relayP99(boolean end) {
            return p99(relayRecords.stream().filter(r -> inFifth(r.atSeconds(), end))
                    .flatMapToDouble(r -> java.util.Arrays.stream(r.latencyMillis())).toArray());
        }

        private boolean inFifth(double atSeconds, boolean end) {
            double total = plan.load().toMillis() / 1000.0;
            return atSeconds >= 0 && (end ? atSeconds >= total - total / 5 : atSeconds < total / 5);
        }

        private static double p99(double[] values) {
            return values.length == 0 ? Double.NaN : Samples.of(values).percentile(99);
        }

        /** Every error counted: failed turns, unexpected frames and closes, server.log's ERROR lines. */
        public long errors() {
            return turnErrors + unexpected + serverLogErrors.size();
        }
    }

    private final PersonaHost host;
    private final Plan plan;
    private final PrintStream log;
    private final SecureRandom random = new SecureRandom();
    private final List<Sample> samples = new ArrayList<>();
    private final List<TurnRecord> turnRecords = new ArrayList<>();
    private final List<RelayRecord> relayRecords = new ArrayList<>();
    private final List<String> errorSamples = new ArrayList<>();
    private int turns;
    private int turnErrors;
    private long relayed;
    private long lost;
    private int unexpected;
    private int churned;
    private int nextSource;
    /** System.nanoTime() when the measured load started; the warm-up's times count back from it. */
    private long loadStart;
    private long pid;
    private SSLContext tls;

    private Soak(PersonaHost host, Plan plan, PrintStream log) {
        this.host = host;
        this.plan = plan;
        this.log = log;
    }

    /**
     * The host the soak runs on, on {@code data} (emptied first): 2 slots with a context of 2048 tokens, answers of
     * at most 24 tokens (a turn takes seconds, not minutes, on a shared machine), the other settings as shipped.
     */
    public static PersonaHost host(Path data) throws IOException {
        deleteRecursively(data);
        return new PersonaHost(data).with("PERSONA_LLAMA_PARALLEL_SLOTS", "2")
                .with("PERSONA_LLAMA_CONTEXT_SIZE", "2048")
                .with("PERSONA_CHAT_MAX_TOKENS", "24");
    }

    /** Starts {@code host}, runs {@code plan} on it, stops it; {@code log} hears a line per period. */
    public static Outcome run(PersonaHost host, Plan plan, PrintStream log) throws Exception {
        return new Soak(host, plan, log).run();
    }

    private Outcome run() throws Exception {
        PersonaHost.Run started = host.start();
        Level before;
        Level after;
        double settleSeconds;
        List<JavaPhone> phones = new ArrayList<>();
        try {
            pid = Long.parseLong(Files.readString(host.dataDirectory.resolve("run/wildfly.pid")).trim());
            tls = host.trustingOnlyTheHostCa();
            PersonaHost.PairingUrl pairing = started.pairingUrl();
            OwnerDesk owner = OwnerDesk.deployInto(host);
            for (int i = 0; i < plan.phones(); i++) {
                JavaPhone phone = new JavaPhone(host, "soak-" + i);
                phones.add(phone);
                phone.connect(pairing.hostId());
                String decision = phone.handshake(pairing.hostId(), i == 0 ? pairing.invite() : owner.invite())
                        .type();
                if (!decision.equals("admitted")) {
                    throw new IllegalStateException("phone " + i + " was not admitted: " + decision);
                }
            }
            try (PeerSwarm swarm = new PeerSwarm(2, tls)) {
                swarm.connect(host.httpsPort, PeerSwarm.keyProven(plan.peers(), origin(), nextSource, random), 32,
                        CONNECT);
                nextSource += PeerSwarm.sourcesFor(plan.peers());
                log.printf(Locale.ROOT, "soak: %d peers and %d phones connected; warm-up %d s, load %d s%n",
                        plan.peers(), plan.phones(), plan.warmUp().toSeconds(), plan.load().toSeconds());

                loadStart = System.nanoTime() + plan.warmUp().toNanos();
                ChatLoops warmUp = new ChatLoops(phones);
                periods(swarm, loadStart);
                warmUp.stop();
                Thread.sleep(QUIET.toMillis());
                before = level();
                log.printf(Locale.ROOT, "soak: quiet after the warm-up: %s%n", before);

                loadStart = System.nanoTime();
                ChatLoops load = new ChatLoops(phones);
                periods(swarm, loadStart + plan.load().toNanos());
                load.stop();

                long settleStart = System.nanoTime();
                after = level();
                while (!(after.descriptors() <= before.descriptors() && after.threads() <= before.threads())
                        && System.nanoTime() - settleStart < SETTLE.toNanos()) {
                    Thread.sleep(2000);
                    after = level();
                }
                settleSeconds = (System.nanoTime() - settleStart) / 1e9;
                log.printf(Locale.ROOT, "soak: quiet after the load: %s (%.0f s after it)%n", after, settleSeconds);
                countSwarm(swarm, "connected peers");
            }
        } finally {
            try {
                phones.forEach(JavaPhone::close);
                JavaPhone.disposeFactory();
            } finally {
                host.stop();
            }
        }
        List<String> logErrors = host.serverLogErrors();
        return new Outcome(plan, List.copyOf(samples), before, after, settleSeconds, List.copyOf(turnRecords),
                List.copyOf(relayRecords), turns, turnErrors, relayed, lost, unexpected, churned,
                List.copyOf(errorSamples), logErrors);
    }

    private String origin() {
        return "https://127.0.0.1:" + host.httpsPort;
    }

    /** Periods of relay, churn and a sample until {@code end} (System.nanoTime()). */
    private void periods(PeerSwarm swarm, long end) throws Exception {
        while (System.nanoTime() < end) {
            double at = seconds(System.nanoTime());
            int count = (int) (plan.relayPerSecond() * plan.period().toMillis() / 1000);
            PeerSwarm.Relay relay = swarm.paced(count, plan.relayPerSecond(), plan.period().plusSeconds(60));
            count(relay);
            double[] latencies = new double[relay.latencyNanos().length];
            for (int i = 0; i < latencies.length; i++) {
                latencies[i] = relay.latencyNanos()[i] / 1e6;
            }
            synchronized (this) {
                relayRecords.add(new RelayRecord(at, latencies));
            }
            churn();
            sample(at < 0);
        }
    }

    /** A few peers connect from fresh source addresses, relay among themselves and leave. */
    private void churn() throws InterruptedException {
        if (plan.churnPeers() < 2) {
            return;
        }
        try (PeerSwarm churn = new PeerSwarm(1, tls)) {
            churn.connect(host.httpsPort, PeerSwarm.keyProven(plan.churnPeers(), origin(), nextSource, random), 8,
                    CONNECT);
            PeerSwarm.Relay relay = churn.paced(plan.churnPeers() * 5, 100, Duration.ofSeconds(60));
            count(relay);
            countSwarm(churn, "churn peers");
            synchronized (this) {
                churned += plan.churnPeers();
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            error("churn peers could not connect: " + e.getMessage());
            synchronized (this) {
                unexpected++;
            }
        } finally {
            nextSource += PeerSwarm.sourcesFor(plan.churnPeers());
        }
    }

    private synchronized void count(PeerSwarm.Relay relay) {
        relayed += relay.sent();
        lost += relay.sent() - relay.received();
    }

    private void countSwarm(PeerSwarm swarm, String which) {
        int count = swarm.unexpectedFrames() + swarm.closedSockets();
        if (count > 0) {
            error(which + ": " + swarm.unexpectedFrames() + " unexpected frames, " + swarm.closedSockets()
                    + " closed sockets, e.g. " + swarm.unexpectedSample());
            synchronized (this) {
                unexpected += count;
            }
        }
    }

    private void sample(boolean warmUp) throws IOException, InterruptedException {
        double at = seconds(System.nanoTime());
        long[] heap = JvmProcess.heapAfterFullCollection(pid);
        Sample sample = new Sample(at, warmUp, ProcessMemory.residentBytes(pid), heap[0],
                JvmProcess.openDescriptors(pid), JvmProcess.threads(pid), loadAverage());
        long turnsNow;
        long errorsNow;
        long lostNow;
        synchronized (this) {
            samples.add(sample);
            turnsNow = turns;
            errorsNow = turnErrors + unexpected;
            lostNow = lost;
        }
        log.printf(Locale.ROOT, "soak %s %6.0f s: RSS %.1f MiB, heap after GC %.1f MiB, %d descriptors, %d threads, "
                        + "%d turns, %d errors, %d lost of %d relayed, load %.1f%n", warmUp ? "warm-up" : "load   ",
                at, sample.residentBytes() / 1048576.0, sample.heapBytes() / 1048576.0, sample.descriptors(),
                sample.threads(), turnsNow, errorsNow, lostNow, relayed, sample.loadAverage());
    }

    private Level level() throws IOException {
        return new Level(JvmProcess.openDescriptors(pid), JvmProcess.threads(pid));
    }

    private double seconds(long nanos) {
        return (nanos - loadStart) / 1e9;
    }

    private synchronized void error(String what) {
        if (errorSamples.size() < 10) {
            errorSamples.add(what.length() > 400 ? what.substring(0, 400) : what);
        }
    }

    /** Each phone asks, waits for the whole answer, pauses and asks again, a new conversation every 4 turns. */
    private final class ChatLoops {

        private final AtomicBoolean running = new AtomicBoolean(true);
        private final ExecutorService threads;
        private final List<Future<?>> loops = new ArrayList<>();

        ChatLoops(List<JavaPhone> phones) {
            threads = Executors.newFixedThreadPool(Math.max(1, phones.size()), task -> {
                Thread thread = new Thread(task, "soak-phone");
                thread.setDaemon(true);
                return thread;
            });
            for (JavaPhone phone : phones) {
                loops.add(threads.submit(() -> {
                    loop(phone);
                    return null;
                }));
            }
        }

        private void loop(JavaPhone phone) throws InterruptedException {
            String conversation = null;
            int n = 0;
            while (running.get()) {
                String id = phone.name + "-" + System.nanoTime();
                long sent = System.nanoTime();
                try {
                    phone.chat(id, n % 4 == 0 ? null : conversation, "Turn " + n + ": name a colour and a fruit.");
                    JavaPhone.Turn turn = phone.turnUntilEnd(id, ANSWER);
                    if (!turn.last().type().equals("done")) {
                        throw new IllegalStateException("the turn ended with " + turn.last());
                    }
                    conversation = turn.ofType("accepted").get(0).message().getString("conversation");
                    List<JavaPhone.Received> tokens = turn.ofType("token");
                    long first = tokens.isEmpty() ? turn.last().at() : tokens.get(0).at();
                    synchronized (Soak.this) {
                        turns++;
                        turnRecords.add(new TurnRecord(seconds(sent), (first - sent) / 1e6));
                    }
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception | AssertionError e) {
                    error(phone.name + ": " + e.getMessage());
                    synchronized (Soak.this) {
                        turnErrors++;
                    }
                }
                n++;
                Thread.sleep(plan.pause().toMillis());
            }
        }

        /** Lets each phone finish its turn in progress, then ends the loops. */
        void stop() throws Exception {
            running.set(false);
            try {
                for (Future<?> loop : loops) {
                    loop.get(ANSWER.plusSeconds(60).toMillis(), TimeUnit.MILLISECONDS);
                }
            } finally {
                threads.shutdownNow();
            }
        }
    }

    private static double loadAverage() throws IOException {
        return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    }
}

package dev.persona.bench.boot;

import static dev.persona.testkit.Directories.deleteRecursively;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.persona.bench.BenchmarkResult;
import dev.persona.bench.ProcessMemory;
import dev.persona.bench.Samples;
import dev.persona.testkit.JavaPhone;
import dev.persona.testkit.PersonaHost;

/**
 * Boot time and idle memory of the host as {@code ./persona start} deploys it, against a vanilla WildFly of the same
 * version (the unzipped standard distribution, its {@code standalone.xml}, its {@code standalone.conf}, no
 * application) started on the same machine in the same run, rounds alternating: vanilla, then Persona, each started,
 * used, measured and stopped before the other starts. Must run where loopback is the only network (the phone is a
 * {@link JavaPhone}): {@code bench/run boot} starts it through {@code scripts/loopback-namespace/bin/java}.
 *
 * <ul>
 *   <li>{@code host-boot-seconds}: the server's own "started in" figure (WFLYSRV0025 in {@code server.log}: boot
 *       and deployment of the EAR, the figure issue 13 quotes), median of the rounds; target ≤ 6 s;</li>
 *   <li>{@code host-idle-rss-mb}: the WildFly JVM's resident memory ({@code VmRSS}; llama-server is a process of
 *       its own and not counted) after the start, one chat answered to a paired phone (vanilla: one request to its
 *       welcome page) and a settling pause, median of the rounds; target ≤ 400 MB.</li>
 * </ul>
 * The load average of the machine is recorded with each round: on a busy machine both sides slow down, which the
 * ratio to vanilla shows.
 */
public final class BootBenchmark {

    private static final Pattern STARTED_IN = Pattern.compile("WFLYSRV0025: .* started in (\\d+)ms");
    private static final Pattern STARTING = Pattern.compile("WFLYSRV0049: (.*) starting");
    private static final Pattern PAIRING_URL = Pattern.compile(
            "open (https://\\S+/client)\\?id=(k1[a-z2-7]{52})&invite=([a-z2-9]+)");
    /** The one chat's whole answer (the tiny model, up to 512 tokens): it took over 120 s at a load average of 40. */
    private static final Duration ANSWER = Duration.ofSeconds(300);
    /** Ports of the vanilla server (HTTP, HTTPS, management HTTP and HTTPS), beside the Persona host's. */
    private static final int VANILLA_PORT = Integer.getInteger("bench.boot.vanilla.port", 38100);

    private final Path repository;
    private final Path vanillaHome;
    private final int rounds = Integer.getInteger("bench.boot.rounds", 3);
    /** How long the server idles after its use before its memory is read. */
    private final Duration settle = Duration.ofSeconds(Integer.getInteger("bench.boot.settle.seconds", 10));
    /** What the vanilla server says it is (WFLYSRV0049). */
    private String vanillaVersion = "WildFly";

    private BootBenchmark(Path repository) {
        this.repository = repository;
        this.vanillaHome = repository.resolve("bench/target/vanilla-wildfly");
    }

    public static void main(String[] arguments) throws Exception {
        JavaPhone.requireLoopbackNetwork();
        new BootBenchmark(Path.of(System.getProperty("bench.repository", ".")).toAbsolutePath()).run();
        JavaPhone.disposeFactory();
        System.exit(0);
    }

    /** One start of one side: the server's "started in", the launcher's wall time, resident memory after use. */
    private record Start(double bootSeconds, double wallSeconds, double rssAfterStartMb, double rssIdleMb,
                         String load) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "boot %.2f s, wall %.2f s, RSS %.0f MB after start, %.0f MB idle "
                    + "after use (load %s)", bootSeconds, wallSeconds, rssAfterStartMb, rssIdleMb, load);
        }
    }

    private void run() throws Exception {
        if (!Files.isRegularFile(vanillaHome.resolve("bin/standalone.sh"))) {
            throw new IllegalStateException("no vanilla WildFly in " + vanillaHome + ": build the bench module first");
        }
        Path data = repository.resolve("bench/work/boot-host");
        deleteRecursively(data);
        PersonaHost host = new PersonaHost(data);
        String loadBefore = loadAverage();
        // Not measured: the first start of a data directory makes its CA, database and test model, and both
        // sides' files come into the page cache.
        log("warm-up: vanilla " + vanilla(0) + "; persona " + persona(host));
        List<Start> vanilla = new ArrayList<>();
        List<Start> ours = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            vanilla.add(vanilla(round));
            log("round " + round + " vanilla: " + vanilla.get(vanilla.size() - 1));
            ours.add(persona(host));
            log("round " + round + " persona: " + ours.get(ours.size() - 1));
        }
        String loadAfter = loadAverage();
        Samples oursBoot = Samples.of(ours.stream().mapToDouble(Start::bootSeconds).toArray());
        Samples baseBoot = Samples.of(vanilla.stream().mapToDouble(Start::bootSeconds).toArray());
        Samples oursRss = Samples.of(ours.stream().mapToDouble(Start::rssIdleMb).toArray());
        Samples baseRss = Samples.of(vanilla.stream().mapToDouble(Start::rssIdleMb).toArray());
        Path results = repository.resolve("bench/results");
        new BenchmarkResult("host-boot-seconds", "boot + deploy, the server's 'started in' (WFLYSRV0025), s (median of "
                + rounds + ")", oursBoot.median(), baseBoot.median(), "ours <= 6 s", oursBoot.median() <= 6.0,
                rounds, "Host start (./persona start, the EAR in WildFly) vs vanilla " + vanillaVersion
                + " (standalone.xml, no app), rounds alternating",
                details(ours, vanilla, Start::bootSeconds, Start::wallSeconds, "wall", loadBefore, loadAfter))
                .write(results);
        new BenchmarkResult("host-idle-rss-mb", "WildFly JVM resident memory after start, one chat and "
                + settle.toSeconds() + " s idle, MB (median of " + rounds + "; llama-server not counted)",
                oursRss.median(), baseRss.median(), "ours <= 400 MB", oursRss.median() <= 400, rounds,
                "Host JVM memory after start and one chat vs vanilla " + vanillaVersion + " after start and one"
                        + " request", details(ours, vanilla, Start::rssIdleMb, Start::rssAfterStartMb,
                "after_start", loadBefore, loadAfter)).write(results);
    }

    private static Map<String, Object> details(List<Start> ours, List<Start> vanilla,
                                               java.util.function.ToDoubleFunction<Start> figure,
                                               java.util.function.ToDoubleFunction<Start> beside, String besideName,
                                               String loadBefore, String loadAfter) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("ours_each", each(ours, figure));
        details.put("baseline_each", each(vanilla, figure));
        details.put("ours_" + besideName + "_each", each(ours, beside));
        details.put("baseline_" + besideName + "_each", each(vanilla, beside));
        details.put("load_average_each_round", ours.stream().map(Start::load).toList().toString());
        details.put("load_average_before", loadBefore);
        details.put("load_average_after", loadAfter);
        details.put("cpus", Runtime.getRuntime().availableProcessors());
        return details;
    }

    private static String each(List<Start> starts, java.util.function.ToDoubleFunction<Start> figure) {
        return starts.stream().map(s -> String.format(Locale.ROOT, "%.2f", figure.applyAsDouble(s))).toList()
                .toString();
    }

    /** Starts the host with {@code ./persona start --background}, pairs a new phone with this start's invite, chats. */
    private Start persona(PersonaHost host) throws Exception {
        String load = loadAverage();
        long begun = System.nanoTime();
        PersonaHost.Run started = host.start();
        double wall = (System.nanoTime() - begun) / 1e9;
        try {
            Path log = host.dataDirectory.resolve("logs/server.log");
            long pid = Long.parseLong(Files.readString(host.dataDirectory.resolve("run/wildfly.pid")).trim());
            double afterStart = ProcessMemory.residentBytes(pid) / 1e6;
            Matcher url = PAIRING_URL.matcher(started.output());
            if (!url.find()) {
                throw new IllegalStateException("no pairing URL in the launcher's output:\n" + started.output());
            }
            try (JavaPhone phone = new JavaPhone(host, "boot")) {
                phone.connect(url.group(2));
                String decision = phone.handshake(url.group(2), url.group(3)).type();
                if (!decision.equals("admitted")) {
                    throw new IllegalStateException("the phone was not admitted: " + decision);
                }
                phone.chat("boot-1", null, "Hello, how are you?");
                JavaPhone.Turn turn = phone.turnUntilEnd("boot-1", ANSWER);
                if (!turn.last().type().equals("done")) {
                    throw new IllegalStateException("the chat failed: " + turn.last());
                }
            }
            Thread.sleep(settle.toMillis());
            return new Start(lastStartedIn(log), wall, afterStart, ProcessMemory.residentBytes(pid) / 1e6, load);
        } finally {
            host.stop();
        }
    }

    /** Starts vanilla WildFly on a fresh copy of its standalone folder, asks for its welcome page once, stops it. */
    private Start vanilla(int round) throws Exception {
        String load = loadAverage();
        Path base = repository.resolve("bench/work/vanilla-" + round);
        deleteRecursively(base);
        copyRecursively(vanillaHome.resolve("standalone"), base);
        Path pidFile = base.resolve("wildfly.pid");
        ProcessBuilder builder = new ProcessBuilder(vanillaHome.resolve("bin/standalone.sh").toString(),
                "-Djboss.server.base.dir=" + base, "-Djboss.http.port=" + VANILLA_PORT,
                "-Djboss.https.port=" + (VANILLA_PORT + 1), "-Djboss.management.http.port=" + (VANILLA_PORT + 2),
                "-Djboss.management.https.port=" + (VANILLA_PORT + 3))
                .redirectErrorStream(true).redirectOutput(base.resolve("console.log").toFile());
        builder.environment().remove("JAVA_OPTS");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("JBOSS_PIDFILE", pidFile.toString());
        builder.environment().put("LAUNCH_JBOSS_IN_BACKGROUND", "1");
        long begun = System.nanoTime();
        Process script = builder.start();
        Path log = base.resolve("log/server.log");
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!started(log)) {
            if (!script.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("vanilla WildFly did not start; see " + log);
            }
            Thread.sleep(50);
        }
        double wall = (System.nanoTime() - begun) / 1e9;
        Matcher version = STARTING.matcher(Files.readString(log));
        if (version.find()) {
            vanillaVersion = version.group(1);
        }
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        try {
            double afterStart = ProcessMemory.residentBytes(pid) / 1e6;
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + VANILLA_PORT + "/")).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (page.statusCode() != 200) {
                throw new IllegalStateException("vanilla WildFly's welcome page answered " + page.statusCode());
            }
            Thread.sleep(settle.toMillis());
            return new Start(lastStartedIn(log), wall, afterStart, ProcessMemory.residentBytes(pid) / 1e6, load);
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
            ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
            script.waitFor();
        }
    }

    private static boolean started(Path log) throws IOException {
        return Files.exists(log) && STARTED_IN.matcher(Files.readString(log)).find();
    }

    private static double lastStartedIn(Path log) throws IOException {
        Matcher matcher = STARTED_IN.matcher(Files.readString(log));
        String last = null;
        while (matcher.find()) {
            last = matcher.group(1);
        }
        if (last == null) {
            throw new IllegalStateException("no 'started in' in " + log);
        }
        return Long.parseLong(last) / 1000.0;
    }

    private static String loadAverage() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }

    private static void log(String line) {
        System.out.println("[boot] " + line);
    }

    private static void copyRecursively(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }
}

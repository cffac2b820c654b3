package dev.persona.testkit;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Assertions;

/**
 * One host under test, driven through {@code ./persona} exactly as a user runs it: a data directory of its own,
 * test ports (so a host the developer runs on the default ports is left alone), no build (Maven has just built
 * {@code target/server}).
 */
public final class PersonaHost implements AutoCloseable {

    public static final Path REPOSITORY = Path.of(System.getProperty("persona.repository", "..")).toAbsolutePath().normalize();

    /**
     * The schema version a host made from this tree reaches: the number of the newest migration in server-config
     * (the H2 and PostgreSQL folders hold the same versions).
     */
    public static int schemaVersion() throws IOException {
        try (var migrations = Files.list(REPOSITORY.resolve("server-config/src/main/resources/db/migration/h2"))) {
            return migrations.map(file -> file.getFileName().toString())
                    .filter(name -> name.matches("V\\d+__.*\\.sql"))
                    .mapToInt(name -> Integer.parseInt(name.substring(1, name.indexOf("__"))))
                    .max().orElseThrow(() -> new IOException("no migration in server-config"));
        }
    }

    public final Path dataDirectory;
    public final int httpPort = Integer.getInteger("persona.it.http.port", 28080);
    public final int httpsPort = Integer.getInteger("persona.it.https.port", 28443);
    final int managementHttpPort = Integer.getInteger("persona.it.management.http.port", 29990);
    public final int managementHttpsPort = Integer.getInteger("persona.it.management.https.port", 29993);

    private final Map<String, String> settings = new HashMap<>();

    /** The application server the launcher runs the EAR on ({@code ./persona start --server}); WildFly unless set. */
    private String server = "wildfly";

    /** The launcher's soft limit on open files ({@link #withOpenFilesSoftLimit}), 0 for this JVM's. */
    private int openFilesSoftLimit;

    /** The host's PostgreSQL database when the tests run on PostgreSQL ({@link PostgresServer}), else null. */
    private final String postgresDatabase;

    /** A host on this data directory; on PostgreSQL runs, also on a new, empty database of its own. */
    public PersonaHost(Path dataDirectory) {
        this.dataDirectory = dataDirectory;
        if (PostgresServer.enabled()) {
            postgresDatabase = "persona_" + dataDirectory.getFileName().toString().replaceAll("[^A-Za-z0-9]", "_")
                    .toLowerCase(java.util.Locale.ROOT);
            try {
                PostgresServer server = PostgresServer.shared();
                server.newDatabase(postgresDatabase);
                settings.putAll(server.settingsFor(postgresDatabase));
            } catch (IOException | InterruptedException | java.sql.SQLException e) {
                throw new IllegalStateException("cannot prepare the host's PostgreSQL database", e);
            }
        } else {
            postgresDatabase = null;
        }
    }

    /**
     * A connection to the host's database, whichever it is: its PostgreSQL database, or its H2 file (then only
     * while the host is stopped: H2 locks the file).
     */
    public java.sql.Connection openDatabase() throws java.sql.SQLException, IOException, InterruptedException {
        if (postgresDatabase != null) {
            return PostgresServer.shared().connect(postgresDatabase);
        }
        return java.sql.DriverManager.getConnection("jdbc:h2:file:" + dataDirectory.resolve("db/persona")
                + ";IFEXISTS=TRUE", "sa", "sa");
    }

    /** Adds a setting (an environment variable of the launcher) for the next start. */
    public PersonaHost with(String variable, String value) {
        settings.put(variable, value);
        return this;
    }

    /**
     * Runs the launcher with this soft limit on open files (as a login shell's {@code ulimit -Sn} may leave it), so
     * that a test sees what the launcher makes of it; 0 (the default) leaves the limit as this JVM has it.
     */
    public PersonaHost withOpenFilesSoftLimit(int files) {
        this.openFilesSoftLimit = files;
        return this;
    }

    /** Runs the host on another application server than WildFly: {@code "payara"} (README, "Payara"). */
    public PersonaHost onServer(String name) {
        this.server = name;
        return this;
    }

    /** The pairing link a start prints for the first persona: the phone page, the persona's key id, an invite. */
    public record PairingUrl(String clientUrl, String hostId, String invite) {
    }

    /** The outcome of one launcher command. */
    public record Run(int exitCode, String output) {

        private static final java.util.regex.Pattern CONSOLE_PASSWORD = java.util.regex.Pattern.compile(
                "Console login \\(shown only this once\\): user 'admin', password '([a-z2-9-]{23})'");
        private static final java.util.regex.Pattern PAIRING_URL = java.util.regex.Pattern.compile(
                "open (https://\\S+/client)\\?id=(k1[a-z2-7]{52})&invite=([a-z2-9]+)");

        /** The pairing link a start printed ({@code open https://…/client?id=…&invite=…}), else an AssertionError. */
        public PairingUrl pairingUrl() {
            java.util.regex.Matcher printed = PAIRING_URL.matcher(output);
            if (!printed.find()) {
                throw new AssertionError("the launcher prints the pairing URL:\n" + output);
            }
            return new PairingUrl(printed.group(1), printed.group(2), printed.group(3));
        }

        /** The console password a first start generated and printed (exactly once), else an AssertionError. */
        public String consolePassword() {
            java.util.regex.Matcher printed = CONSOLE_PASSWORD.matcher(output);
            if (!printed.find()) {
                throw new AssertionError("the first start prints a generated console password:\n" + output);
            }
            String password = printed.group(1);
            if (printed.find()) {
                throw new AssertionError("the console password is printed once:\n" + output);
            }
            return password;
        }
    }

    public Run launcher(String... arguments) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>();
        if (openFilesSoftLimit > 0) {
            command.addAll(List.of("bash", "-c", "ulimit -Sn " + openFilesSoftLimit + " && exec \"$0\" \"$@\""));
        }
        command.add(REPOSITORY.resolve("persona").toString());
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.putAll(environment());
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("./persona " + String.join(" ", arguments) + " did not finish");
        }
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    public Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("PERSONA_DATA_DIR", dataDirectory.toString());
        env.put("PERSONA_HTTP_PORT", Integer.toString(httpPort));
        env.put("PERSONA_HTTPS_PORT", Integer.toString(httpsPort));
        env.put("PERSONA_MANAGEMENT_HTTP_PORT", Integer.toString(managementHttpPort));
        env.put("PERSONA_MANAGEMENT_HTTPS_PORT", Integer.toString(managementHttpsPort));
        env.put("PERSONA_SKIP_BUILD", "1");
        // The JVM running the tests may have been started by a wrapper (scripts/loopback-namespace) that the test
        // runner then names as JAVA_HOME; the server must run the real java.
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.putAll(settings);
        return env;
    }

    /** Starts the host in the background and waits until the EAR is deployed; fails with the launcher's output. */
    public Run start() throws IOException, InterruptedException {
        Run run = server.equals("wildfly") ? launcher("start", "--background")
                : launcher("start", "--server", server, "--background");
        if (run.exitCode() != 0) {
            throw new AssertionError("./persona start failed (" + run.exitCode() + "):\n" + run.output()
                    + "\n--- server.log tail ---\n" + serverLogTail());
        }
        return run;
    }

    /** The running server's pid, as the launcher wrote it ({@code run/wildfly.pid} or {@code run/payara.pid}). */
    public long serverPid() throws IOException {
        return Long.parseLong(Files.readString(dataDirectory.resolve("run/" + server + ".pid")).trim());
    }

    public void stop() throws IOException, InterruptedException {
        Run run = launcher("stop");
        if (run.exitCode() != 0) {
            throw new AssertionError("./persona stop failed:\n" + run.output());
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        stop();
    }

    /**
     * An integration test class's teardown (its {@code @AfterAll}), written once:
     * {@code PersonaHost.tearDown(host).first(JavaPhone::disposeFactory).checkingLog().then(backend).run()}.
     */
    public static Teardown tearDown(PersonaHost host) {
        return new Teardown(host);
    }

    /**
     * Closes the {@link #first} steps in order (phones, pages, {@code JavaPhone::disposeFactory}; nulls are
     * skipped), stops the host unless it never started ({@code null}), with {@link #checkingLog()} fails when its
     * server.log holds an ERROR line, then closes the {@link #then} steps (fixtures the host used while it ran,
     * measurement files). Every step runs even when one before it failed; the first failure is thrown, the later
     * ones added to it.
     */
    public static final class Teardown {

        private final PersonaHost host;
        private final List<AutoCloseable> first = new ArrayList<>();
        private final List<AutoCloseable> then = new ArrayList<>();
        private boolean checkLog;
        private Throwable failure;

        private Teardown(PersonaHost host) {
            this.host = host;
        }

        /** What ends before the host stops. */
        public Teardown first(AutoCloseable... steps) {
            first.addAll(Arrays.asList(steps));
            return this;
        }

        /** Fails when the host logged an ERROR line, its stop included ({@link #serverLogErrors()}). */
        public Teardown checkingLog() {
            checkLog = true;
            return this;
        }

        /** What ends after the host stopped. */
        public Teardown then(AutoCloseable... steps) {
            then.addAll(Arrays.asList(steps));
            return this;
        }

        /** After the host stopped, writes {@code lines} (a test's measurements) to {@code file}, its folder made. */
        public Teardown writing(Path file, List<String> lines) {
            return then(() -> {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.write(file, lines, StandardCharsets.UTF_8);
            });
        }

        public void run() throws Exception {
            first.forEach(this::attempt);
            if (host != null) {
                attempt(() -> {
                    host.stop();
                    if (checkLog) {
                        Assertions.assertEquals(List.of(), host.serverLogErrors(),
                                "the host logged no error, stops included");
                    }
                });
            }
            then.forEach(this::attempt);
            if (failure instanceof Exception exception) {
                throw exception;
            }
            if (failure instanceof Error error) {
                throw error;
            }
        }

        private void attempt(AutoCloseable step) {
            if (step == null) {
                return;
            }
            try {
                step.close();
            } catch (Throwable e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
    }

    /**
     * The ERROR lines of the host's server.log and its rotated files (WildFly writes {@code … ERROR [category] …}):
     * the tests and the soak check that a run, stops included, logged no error.
     */
    public List<String> serverLogErrors() throws IOException {
        try (Stream<Path> files = Files.list(dataDirectory.resolve("logs"))) {
            return files.filter(f -> f.getFileName().toString().startsWith("server.log")).sorted()
                    .flatMap(f -> {
                        try {
                            return Files.readAllLines(f).stream();
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .filter(line -> line.matches("^\\S+ \\S+ ERROR .*")).toList();
        }
    }

    public Path caCertificateFile() {
        return dataDirectory.resolve("tls/ca.crt");
    }

    public X509Certificate caCertificate() throws IOException, GeneralSecurityException {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(caCertificateFile())));
    }

    /** TLS that trusts the host's own CA and nothing else, with normal host name checks. */
    public SSLContext trustingOnlyTheHostCa() throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("persona-ca", caCertificate());
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    public Properties launchEnvironment() throws IOException {
        Properties env = new Properties();
        try (InputStream in = Files.newInputStream(dataDirectory.resolve("run/launch.env"))) {
            env.load(in);
        }
        return env;
    }

    public String serverLogTail() {
        try {
            List<String> lines = Files.readAllLines(dataDirectory.resolve("logs/server.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no server.log: " + e.getMessage() + ")";
        }
    }
}

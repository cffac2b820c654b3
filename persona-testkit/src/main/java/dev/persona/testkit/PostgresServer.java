package dev.persona.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL 15 (Debian's postgresql-15 package) for the integration tests that run the host on PostgreSQL
 * ({@code -Dpersona.it.database=postgresql}; README, "Tests"): made with initdb in {@code target/postgresql}
 * at the first use in this JVM, listening on 127.0.0.1 only at {@code persona.it.postgresql.port} (28150), password
 * authentication, stopped when the JVM ends. initdb refuses to run as root, so under root the server runs as the
 * {@code postgres} user the package made. Each host gets a new, empty database of its own ({@link #newDatabase}).
 */
public final class PostgresServer {

    static final String USER = "persona_it";
    public static final String PASSWORD = "persona-it-password";

    private static PostgresServer shared;

    final int port = Integer.getInteger("persona.it.postgresql.port", 28150);
    private final Path directory = Path.of("target/postgresql").toAbsolutePath();
    private final Path binaries;

    private PostgresServer(Path binaries) {
        this.binaries = binaries;
    }

    /** Whether this test run puts the hosts on PostgreSQL instead of their H2 file. */
    public static boolean enabled() {
        return "postgresql".equals(System.getProperty("persona.it.database", "h2"));
    }

    static synchronized PostgresServer shared() throws IOException, InterruptedException {
        if (shared == null) {
            Path binaries = Path.of(System.getProperty("persona.it.postgresql.bin", "/usr/lib/postgresql/15/bin"));
            if (!Files.isExecutable(binaries.resolve("initdb"))) {
                throw new IllegalStateException("PostgreSQL 15 is not installed (no " + binaries.resolve("initdb")
                        + "): apt-get install -y postgresql, or name its bin folder with -Dpersona.it.postgresql.bin");
            }
            PostgresServer server = new PostgresServer(binaries);
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
            shared = server;
        }
        return shared;
    }

    private void start() throws IOException, InterruptedException {
        Directories.deleteRecursively(directory);
        Files.createDirectories(directory);
        Path passwordFile = directory.resolve("password");
        Files.writeString(passwordFile, PASSWORD + "\n", StandardCharsets.UTF_8);
        if (isRoot()) {
            run(List.of("chown", "-R", "postgres", directory.toString()));
        }
        run(asServerUser(binaries.resolve("initdb").toString(), "-D", directory.resolve("data").toString(),
                "-U", USER, "--pwfile=" + passwordFile, "-A", "scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"));
        run(asServerUser(binaries.resolve("pg_ctl").toString(), "-D", directory.resolve("data").toString(), "-w",
                "-t", "120", "-l", directory.resolve("server.log").toString(), "-o",
                "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=''", "start"));
    }

    private void stop() {
        try {
            run(asServerUser(binaries.resolve("pg_ctl").toString(), "-D", directory.resolve("data").toString(),
                    "-m", "fast", "-w", "stop"));
        } catch (IOException | InterruptedException | IllegalStateException e) {
            System.err.println("PostgresServer: could not stop the test server: " + e.getMessage());
        }
    }

    /** A new, empty database (an older one of the same name is dropped first). */
    void newDatabase(String name) throws SQLException {
        try (Connection admin = connect("postgres"); Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            statement.execute("CREATE DATABASE " + name);
        }
    }

    String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(url(database), USER, PASSWORD);
    }

    /** The launcher's settings that put a host on the given database of this server. */
    Map<String, String> settingsFor(String database) {
        return Map.of("PERSONA_DB_URL", url(database), "PERSONA_DB_USER", USER, "PERSONA_DB_PASSWORD", PASSWORD);
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static List<String> asServerUser(String... command) {
        List<String> full = new ArrayList<>();
        if (isRoot()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(List.of(command));
        return full;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(3, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
        }
    }
}

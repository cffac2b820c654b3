package dev.persona.it;

import dev.persona.testkit.Directories;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;

import dev.persona.testkit.PersonaHost;
import org.junit.jupiter.api.Test;

/**
 * Bad settings and broken files (a damaged key store, a database that is held by another process or truncated) stop
 * the start with one clear message, before WildFly runs, and lose nothing.
 */
class LauncherErrorsIT {

    private PersonaHost freshHost(String name) throws Exception {
        PersonaHost host = new PersonaHost(Path.of("target/it-data/errors-" + name).toAbsolutePath());
        Directories.deleteRecursively(host.dataDirectory);
        return host;
    }

    @Test
    void portInUseIsNamedWithTheSettingThatMovesIt() throws Exception {
        PersonaHost host = freshHost("port");
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress("0.0.0.0", host.httpsPort));

            PersonaHost.Run run = host.launcher("start", "--background");

            assertEquals(2, run.exitCode(), run.output());
            assertTrue(run.output().contains("Port " + host.httpsPort + " (persona.https.port)"), run.output());
            assertTrue(run.output().contains("PERSONA_HTTPS_PORT=<port>"), run.output());
        }
        assertFalse(Files.exists(host.dataDirectory.resolve("run/wildfly.pid")), "no server was started");
    }

    @Test
    void invalidPortValueNamesTheSettingAndRange() throws Exception {
        PersonaHost host = freshHost("value");
        ProcessBuilder builder = new ProcessBuilder(PersonaHost.REPOSITORY.resolve("persona").toString(), "start",
                "--background").redirectErrorStream(true);
        builder.environment().putAll(host.environment());
        builder.environment().put("PERSONA_HTTP_PORT", "99999");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());

        assertEquals(2, process.waitFor(), output);
        assertTrue(output.contains("PERSONA_HTTP_PORT = '99999': expected an integer from 1 to 65535."), output);
    }

    @Test
    void corruptCaKeyStoreStopsTheStartAndStaysAsItWas() throws Exception {
        PersonaHost host = freshHost("ca");
        Path tls = Files.createDirectories(host.dataDirectory.resolve("tls"));
        byte[] garbage = {0x30, 0x03, 0x02, 0x01, 0x07};
        Files.write(tls.resolve("ca.p12"), garbage);
        Files.writeString(tls.resolve("secrets.properties"), "ca.password=whatever\nserver.password=x\n");

        PersonaHost.Run run = host.launcher("start", "--background");

        assertEquals(2, run.exitCode(), run.output());
        assertTrue(run.output().contains("will not replace it"), run.output());
        assertArrayEquals(garbage, Files.readAllBytes(tls.resolve("ca.p12")));
    }

    /**
     * A host's data directory as its first start leaves it, without WildFly: the launcher's bootstrap (TLS, the
     * key-encryption key, the database at this version's schema), then one row more in the database; the bytes of
     * the database file.
     */
    private static byte[] bootstrappedWithARow(PersonaHost host) throws Exception {
        ProcessBuilder bootstrap = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", PersonaHost.REPOSITORY.resolve("persona-ear/target/server/persona-bootstrap/*")
                .toString(), "dev.persona.server.HostBootstrap").redirectErrorStream(true);
        bootstrap.environment().putAll(host.environment());
        Process process = bootstrap.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), output);
        try (Connection db = DriverManager.getConnection(databaseUrl(host), "sa", "sa");
                Statement statement = db.createStatement()) {
            statement.execute("CREATE TABLE kept (what VARCHAR(40))");
            statement.execute("INSERT INTO kept VALUES ('written before')");
            statement.execute("SHUTDOWN");
        }
        return Files.readAllBytes(host.dataDirectory.resolve("db/persona.mv.db"));
    }

    private static String databaseUrl(PersonaHost host) {
        return "jdbc:h2:file:" + host.dataDirectory.resolve("db/persona") + ";IFEXISTS=TRUE";
    }

    @Test
    void aDatabaseHeldByAnotherProcessStopsTheStartAndKeepsItsRows() throws Exception {
        PersonaHost host = freshHost("db-locked");
        bootstrappedWithARow(host);

        PersonaHost.Run run;
        try (Connection other = DriverManager.getConnection(databaseUrl(host), "sa", "sa")) {
            run = host.launcher("start", "--background");
        }

        assertEquals(2, run.exitCode(), run.output());
        assertTrue(run.output().contains("is in use by another process"), run.output());
        assertTrue(run.output().contains("Stop that process, then start again"), run.output());
        assertFalse(Files.exists(host.dataDirectory.resolve("run/wildfly.pid")), "no server was started");
        try (Connection db = DriverManager.getConnection(databaseUrl(host), "sa", "sa");
                ResultSet kept = db.createStatement().executeQuery("SELECT what FROM kept")) {
            assertTrue(kept.next());
            assertEquals("written before", kept.getString(1));
        }
    }

    /** H2 alone takes a truncated file for a new database and writes an empty one over it. */
    @Test
    void aTruncatedDatabaseStopsTheStartAndIsNotReplacedByAnEmptyOne() throws Exception {
        PersonaHost host = freshHost("db-truncated");
        byte[] truncated = Arrays.copyOf(bootstrappedWithARow(host), 10_000);
        Path file = host.dataDirectory.resolve("db/persona.mv.db");
        Files.write(file, truncated);

        PersonaHost.Run run = host.launcher("start", "--background");

        assertEquals(2, run.exitCode(), run.output());
        assertTrue(run.output().contains("cannot be opened"), run.output());
        assertTrue(run.output().contains("./persona restore"), run.output());
        assertFalse(Files.exists(host.dataDirectory.resolve("run/wildfly.pid")), "no server was started");
        assertArrayEquals(truncated, Files.readAllBytes(file), "the damaged file is left as it was");
    }
}

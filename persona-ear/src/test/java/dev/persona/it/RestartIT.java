package dev.persona.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

/** A restart keeps what phones and the owner rely on: the same CA, the same certificate, the same database. */
class RestartIT {

    /** The installation row the application keeps, read from the H2 file while the host is stopped. */
    private record InstallationRow(String id, long starts) {
    }

    @Test
    void restartKeepsTheCaTheServerCertificateAndTheDatabase() throws Exception {
        PersonaHost host = new PersonaHost(Path.of("target/it-data/restart").toAbsolutePath());
        HostFoundationIT.deleteRecursively(host.dataDirectory);

        PersonaHost.Run first = host.start();
        host.stop();
        assertTrue(first.output().contains("created a new local certificate authority"), first.output());
        byte[] ca = Files.readAllBytes(host.caCertificateFile());
        byte[] serverKeyStore = Files.readAllBytes(host.dataDirectory.resolve("tls/server.p12"));
        InstallationRow before = installation(host.dataDirectory);
        assertEquals(1, before.starts());

        PersonaHost.Run second = host.start();
        host.stop();

        assertTrue(second.output().contains("server certificate reused"), second.output());
        assertArrayEquals(ca, Files.readAllBytes(host.caCertificateFile()), "same CA after restart");
        assertArrayEquals(serverKeyStore, Files.readAllBytes(host.dataDirectory.resolve("tls/server.p12")));
        InstallationRow after = installation(host.dataDirectory);
        assertEquals(before.id(), after.id(), "same database after restart");
        assertEquals(2, after.starts(), "the second start was counted in the same database");
    }

    private static InstallationRow installation(Path dataDirectory) throws Exception {
        String url = "jdbc:h2:file:" + dataDirectory.resolve("db/persona") + ";IFEXISTS=TRUE";
        try (Connection connection = DriverManager.getConnection(url, "sa", "sa");
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select id, start_count from installation")) {
            assertTrue(rows.next(), "one installation row");
            InstallationRow row = new InstallationRow(rows.getString(1), rows.getLong(2));
            assertTrue(!rows.next(), "only one installation row");
            return row;
        }
    }
}

package dev.persona.it;

import dev.persona.testkit.Directories;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import dev.persona.testkit.PersonaHost;
import dev.persona.testkit.PostgresServer;
import org.junit.jupiter.api.Test;

/**
 * A restart keeps what phones and the owner rely on: the same CA, the same certificate, the same database (made by
 * the schema migrations at the first start, left alone at the second) and host keys; and the host keys stay sealed
 * when their key-encryption key is gone. Also run with the host on PostgreSQL ({@link PostgresServer}).
 */
class RestartIT {

    /** The installation row the application keeps, read from its database while the host is stopped. */
    private record InstallationRow(String id, long starts) {
    }

    /** The first persona's row: its public key and its sealed private key. */
    private record PersonaRow(String name, byte[] publicKey, byte[] sealedPrivateKey) {
    }

    @Test
    void restartKeepsTheCaTheServerCertificateAndTheDatabase() throws Exception {
        PersonaHost host = new PersonaHost(Path.of("target/it-data/restart").toAbsolutePath());
        Directories.deleteRecursively(host.dataDirectory);

        PersonaHost.Run first = host.start();
        host.stop();
        assertTrue(first.output().contains("created a new local certificate authority"), first.output());
        int schema = PersonaHost.schemaVersion();
        assertTrue(first.output().contains("database schema made at version " + schema + " (" + schema
                + " migrations)"), first.output());
        byte[] ca = Files.readAllBytes(host.caCertificateFile());
        byte[] serverKeyStore = Files.readAllBytes(host.dataDirectory.resolve("tls/server.p12"));
        InstallationRow before = installation(host);
        assertEquals(1, before.starts());
        PersonaRow persona = firstPersona(host);
        assertEquals(32, persona.publicKey().length);
        Path kek = host.dataDirectory.resolve("keys/identity.kek");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(kek)));

        PersonaHost.Run second = host.start();
        host.stop();

        assertTrue(second.output().contains("server certificate reused"), second.output());
        assertTrue(second.output().contains("database schema at version " + schema), second.output());
        if (PostgresServer.enabled()) {
            assertFalse(Files.exists(host.dataDirectory.resolve("db/persona.mv.db")), "no H2 file on PostgreSQL");
            try (var files = Files.walk(host.dataDirectory.resolve("logs"))) {
                for (Path log : files.filter(Files::isRegularFile).toList()) {
                    assertFalse(Files.readString(log, java.nio.charset.StandardCharsets.ISO_8859_1)
                            .contains(PostgresServer.PASSWORD), "the database password in " + log);
                }
            }
        }
        assertArrayEquals(ca, Files.readAllBytes(host.caCertificateFile()), "same CA after restart");
        assertArrayEquals(serverKeyStore, Files.readAllBytes(host.dataDirectory.resolve("tls/server.p12")));
        InstallationRow after = installation(host);
        assertEquals(before.id(), after.id(), "same database after restart");
        assertEquals(2, after.starts(), "the second start was counted in the same database");
        PersonaRow samePersona = firstPersona(host);
        assertArrayEquals(persona.publicKey(), samePersona.publicKey(), "same host key after restart");
        assertArrayEquals(persona.sealedPrivateKey(), samePersona.sealedPrivateKey());
    }

    @Test
    void withoutTheKeyEncryptionKeyTheHostRefusesToStartAndMakesNoNewKey() throws Exception {
        PersonaHost host = new PersonaHost(Path.of("target/it-data/no-kek").toAbsolutePath());
        Directories.deleteRecursively(host.dataDirectory);
        host.start();
        host.stop();
        PersonaRow persona = firstPersona(host);
        Path kek = host.dataDirectory.resolve("keys/identity.kek");
        Path aside = host.dataDirectory.resolve("identity.kek.aside");
        Files.move(kek, aside);

        PersonaHost.Run refused = host.launcher("start", "--background");

        assertEquals(1, refused.exitCode(), refused.output());
        assertTrue(refused.output().contains("key-encryption key"), refused.output());
        assertTrue(refused.output().contains("is missing"), refused.output());
        assertTrue(!Files.exists(kek), "no new key-encryption key was made");
        assertArrayEquals(persona.sealedPrivateKey(), firstPersona(host).sealedPrivateKey());

        Files.move(aside, kek);
        host.start();
        host.stop();
        assertArrayEquals(persona.publicKey(), firstPersona(host).publicKey());
    }

    private static PersonaRow firstPersona(PersonaHost host) throws Exception {
        try (Connection connection = host.openDatabase();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "select name, public_key, sealed_private_key from persona order by created_at")) {
            assertTrue(rows.next(), "the first start made a persona");
            return new PersonaRow(rows.getString(1), rows.getBytes(2), rows.getBytes(3));
        }
    }

    private static InstallationRow installation(PersonaHost host) throws Exception {
        try (Connection connection = host.openDatabase();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select id, start_count from installation")) {
            assertTrue(rows.next(), "one installation row");
            InstallationRow row = new InstallationRow(rows.getString(1), rows.getLong(2));
            assertTrue(!rows.next(), "only one installation row");
            return row;
        }
    }
}

package dev.persona.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import dev.persona.testkit.PersonaHost;
import org.junit.jupiter.api.Test;

/**
 * A restart keeps what phones and the owner rely on: the same CA, the same certificate, the same database and host
 * keys; and the host keys stay sealed when their key-encryption key is gone.
 */
class RestartIT {

    /** The installation row the application keeps, read from the H2 file while the host is stopped. */
    private record InstallationRow(String id, long starts) {
    }

    /** The first persona's row: its public key and its sealed private key. */
    private record PersonaRow(String name, byte[] publicKey, byte[] sealedPrivateKey) {
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
        PersonaRow persona = firstPersona(host.dataDirectory);
        assertEquals(32, persona.publicKey().length);
        Path kek = host.dataDirectory.resolve("keys/identity.kek");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(kek)));

        PersonaHost.Run second = host.start();
        host.stop();

        assertTrue(second.output().contains("server certificate reused"), second.output());
        assertArrayEquals(ca, Files.readAllBytes(host.caCertificateFile()), "same CA after restart");
        assertArrayEquals(serverKeyStore, Files.readAllBytes(host.dataDirectory.resolve("tls/server.p12")));
        InstallationRow after = installation(host.dataDirectory);
        assertEquals(before.id(), after.id(), "same database after restart");
        assertEquals(2, after.starts(), "the second start was counted in the same database");
        PersonaRow samePersona = firstPersona(host.dataDirectory);
        assertArrayEquals(persona.publicKey(), samePersona.publicKey(), "same host key after restart");
        assertArrayEquals(persona.sealedPrivateKey(), samePersona.sealedPrivateKey());
    }

    @Test
    void withoutTheKeyEncryptionKeyTheHostRefusesToStartAndMakesNoNewKey() throws Exception {
        PersonaHost host = new PersonaHost(Path.of("target/it-data/no-kek").toAbsolutePath());
        HostFoundationIT.deleteRecursively(host.dataDirectory);
        host.start();
        host.stop();
        PersonaRow persona = firstPersona(host.dataDirectory);
        Path kek = host.dataDirectory.resolve("keys/identity.kek");
        Path aside = host.dataDirectory.resolve("identity.kek.aside");
        Files.move(kek, aside);

        PersonaHost.Run refused = host.launcher("start", "--background");

        assertEquals(1, refused.exitCode(), refused.output());
        assertTrue(refused.output().contains("key-encryption key"), refused.output());
        assertTrue(refused.output().contains("is missing"), refused.output());
        assertTrue(!Files.exists(kek), "no new key-encryption key was made");
        assertArrayEquals(persona.sealedPrivateKey(), firstPersona(host.dataDirectory).sealedPrivateKey());

        Files.move(aside, kek);
        host.start();
        host.stop();
        assertArrayEquals(persona.publicKey(), firstPersona(host.dataDirectory).publicKey());
    }

    private static PersonaRow firstPersona(Path dataDirectory) throws Exception {
        try (Connection connection = database(dataDirectory);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "select name, public_key, sealed_private_key from persona order by created_at")) {
            assertTrue(rows.next(), "the first start made a persona");
            return new PersonaRow(rows.getString(1), rows.getBytes(2), rows.getBytes(3));
        }
    }

    private static Connection database(Path dataDirectory) throws Exception {
        return DriverManager.getConnection("jdbc:h2:file:" + dataDirectory.resolve("db/persona") + ";IFEXISTS=TRUE",
                "sa", "sa");
    }

    private static InstallationRow installation(Path dataDirectory) throws Exception {
        try (Connection connection = database(dataDirectory);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select id, start_count from installation")) {
            assertTrue(rows.next(), "one installation row");
            InstallationRow row = new InstallationRow(rows.getString(1), rows.getLong(2));
            assertTrue(!rows.next(), "only one installation row");
            return row;
        }
    }
}

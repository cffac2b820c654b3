package dev.persona.server.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import dev.persona.server.ConfigurationException;
import dev.persona.server.DataDirectory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsMaterialTest {

    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    private static final SubjectNames NAMES = new SubjectNames(Set.of("localhost", "host.lan"),
            Set.of("127.0.0.1", "0:0:0:0:0:0:0:1", "192.168.1.20"));

    @TempDir
    Path root;
    DataDirectory data;
    TlsMaterial tls;

    @BeforeEach
    void prepare() {
        data = new DataDirectory(root.resolve("data"));
        data.prepare();
        tls = new TlsMaterial(data);
    }

    @Test
    void firstStartCreatesCaAndServerCertificateThatChainsToIt() throws Exception {
        TlsMaterial.Outcome outcome = tls.ensure("host.lan", NAMES, NOW);

        assertTrue(outcome.caCreated());
        X509Certificate ca = outcome.caCertificate();
        X509Certificate server = outcome.serverCertificate();
        server.verify(ca.getPublicKey());
        assertTrue(ca.getBasicConstraints() >= 0, "the CA certificate is a CA");
        assertEquals(-1, server.getBasicConstraints(), "the server certificate is not a CA");
        assertTrue(server.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"), "serverAuth");
        assertEquals(NAMES, TlsMaterial.coveredNames(server));
        assertTrue(Duration.between(NOW, server.getNotAfter().toInstant()).toDays() <= 397);
        assertArrayEquals(ca.getEncoded(), Files.readAllBytes(data.caCertificate()), "ca.crt is the DER CA");
    }

    @Test
    void restartReusesCaAndServerCertificate() throws Exception {
        TlsMaterial.Outcome first = tls.ensure("host.lan", NAMES, NOW);
        byte[] serverStore = Files.readAllBytes(data.serverKeyStore());

        TlsMaterial.Outcome second = new TlsMaterial(data).ensure("host.lan", NAMES, NOW.plusSeconds(60));

        assertFalse(second.caCreated());
        assertEquals("reused", second.serverCertificateAction());
        assertArrayEquals(first.caCertificate().getEncoded(), second.caCertificate().getEncoded());
        assertEquals(first.serverCertificate().getSerialNumber(), second.serverCertificate().getSerialNumber());
        assertArrayEquals(serverStore, Files.readAllBytes(data.serverKeyStore()), "server key store untouched");
    }

    @Test
    void newAddressGetsNewServerCertificateFromTheSameCa() throws Exception {
        TlsMaterial.Outcome first = tls.ensure("host.lan", NAMES, NOW);
        SubjectNames moved = new SubjectNames(NAMES.dnsNames(), Set.of("127.0.0.1", "0:0:0:0:0:0:0:1", "10.0.0.7"));

        TlsMaterial.Outcome second = tls.ensure("host.lan", moved, NOW);

        assertTrue(second.serverCertificateAction().contains("changed"), second.serverCertificateAction());
        assertArrayEquals(first.caCertificate().getEncoded(), second.caCertificate().getEncoded());
        assertEquals(moved, TlsMaterial.coveredNames(second.serverCertificate()));
        second.serverCertificate().verify(first.caCertificate().getPublicKey());
    }

    @Test
    void serverCertificateNearItsEndIsRenewed() {
        TlsMaterial.Outcome first = tls.ensure("host.lan", NAMES, NOW);
        Instant nearEnd = first.serverCertificate().getNotAfter().toInstant().minus(Duration.ofDays(10));

        TlsMaterial.Outcome renewed = tls.ensure("host.lan", NAMES, nearEnd);

        assertTrue(renewed.serverCertificateAction().contains("expires"), renewed.serverCertificateAction());
        assertTrue(renewed.serverCertificate().getNotAfter().toInstant().isAfter(nearEnd.plus(Duration.ofDays(300))));
    }

    @Test
    void corruptCaKeyStoreStopsTheStartAndIsNeverReplaced() throws Exception {
        tls.ensure("host.lan", NAMES, NOW);
        Files.write(data.caKeyStore(), new byte[] {1, 2, 3, 4});
        byte[] caCert = Files.readAllBytes(data.caCertificate());

        ConfigurationException error = assertThrows(ConfigurationException.class,
                () -> tls.ensure("host.lan", NAMES, NOW));

        assertTrue(error.getMessage().contains("ca.p12"), error.getMessage());
        assertTrue(error.getMessage().contains("will not replace it"), error.getMessage());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, Files.readAllBytes(data.caKeyStore()), "left as it was");
        assertArrayEquals(caCert, Files.readAllBytes(data.caCertificate()));
    }

    @Test
    void wrongCaPasswordStopsTheStart() throws Exception {
        tls.ensure("host.lan", NAMES, NOW);
        String secrets = Files.readString(data.tlsSecrets()).replaceAll("ca.password=.*", "ca.password=wrong");
        Files.writeString(data.tlsSecrets(), secrets);

        ConfigurationException error = assertThrows(ConfigurationException.class,
                () -> tls.ensure("host.lan", NAMES, NOW));

        assertTrue(error.getMessage().contains("does not match its password"), error.getMessage());
    }

    @Test
    void expiredCaStopsTheStartWithTheFix() {
        TlsMaterial.Outcome first = tls.ensure("host.lan", NAMES, NOW);
        Instant afterCa = first.caCertificate().getNotAfter().toInstant().plusSeconds(1);

        ConfigurationException error = assertThrows(ConfigurationException.class,
                () -> tls.ensure("host.lan", NAMES, afterCa));

        assertTrue(error.getMessage().contains("expired"), error.getMessage());
        assertTrue(error.getMessage().contains("move the folder"), error.getMessage());
    }

    @Test
    void caCertificateWithoutItsKeyStoreIsNotReplacedSilently() throws Exception {
        tls.ensure("host.lan", NAMES, NOW);
        Files.delete(data.caKeyStore());

        ConfigurationException error = assertThrows(ConfigurationException.class,
                () -> tls.ensure("host.lan", NAMES, NOW));

        assertTrue(error.getMessage().contains("is missing"), error.getMessage());
        assertFalse(Files.exists(data.caKeyStore()), "no new CA was made");
    }

    @Test
    void unreadableServerKeyStoreIsKeptAsideAndReissued() throws Exception {
        TlsMaterial.Outcome first = tls.ensure("host.lan", NAMES, NOW);
        Files.write(data.serverKeyStore(), new byte[] {9, 9, 9});

        TlsMaterial.Outcome second = tls.ensure("host.lan", NAMES, NOW);

        assertTrue(second.serverCertificateAction().contains("could not be opened"));
        second.serverCertificate().verify(first.caCertificate().getPublicKey());
        try (var kept = Files.list(data.tls())) {
            assertEquals(1, kept.filter(p -> p.getFileName().toString().startsWith("server.p12.unreadable-")).count());
        }
    }
}

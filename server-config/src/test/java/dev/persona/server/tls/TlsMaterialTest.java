package dev.persona.server.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import dev.persona.server.ConfigurationException;
import dev.persona.server.DataDirectory;
import dev.persona.server.KeyEncryptionKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
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
        assertEquals("EC", ca.getPublicKey().getAlgorithm());
        assertEquals("RSA", server.getPublicKey().getAlgorithm(), "OpenSSL's server side (wildfly-openssl) takes RSA");
        assertEquals(2048, ((java.security.interfaces.RSAPublicKey) server.getPublicKey()).getModulus().bitLength());
    }

    @Test
    void aServerKeyStoreWithTheEcKeyOfAnOlderVersionIsReissuedWithRsaFromTheSameCa() throws Exception {
        TlsMaterial.Outcome first = tls.ensure("host.lan", NAMES, NOW);
        Properties secrets = new Properties();
        secrets.load(new StringReader(Files.readString(data.tlsSecrets())));
        String password = secrets.getProperty("server.password");
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair older = generator.generateKeyPair();
        X500Name subject = new X500Name("O=Persona,CN=host.lan");
        X509Certificate olderCertificate = new JcaX509CertificateConverter().getCertificate(
                new JcaX509v3CertificateBuilder(subject, BigInteger.TWO, Date.from(NOW.minusSeconds(3600)),
                        Date.from(NOW.plus(Duration.ofDays(300))), subject, older.getPublic())
                        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(older.getPrivate())));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(TlsMaterial.KEY_ALIAS, older.getPrivate(), password.toCharArray(),
                new Certificate[] {olderCertificate});
        try (var out = Files.newOutputStream(data.serverKeyStore())) {
            store.store(out, password.toCharArray());
        }

        TlsMaterial.Outcome second = new TlsMaterial(data).ensure("host.lan", NAMES, NOW.plusSeconds(60));

        assertTrue(second.serverCertificateAction().contains("its key is EC"), second.serverCertificateAction());
        assertEquals("RSA", second.serverCertificate().getPublicKey().getAlgorithm());
        second.serverCertificate().verify(first.caCertificate().getPublicKey());
        assertArrayEquals(first.caCertificate().getEncoded(), second.caCertificate().getEncoded(), "same CA");
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
    void theNewCaIsNameConstrainedAndItsKeyIsSealedByTheKeyEncryptionKey() throws Exception {
        TlsMaterial.Outcome outcome = tls.ensure("host.lan", NAMES, NOW);

        assertTrue(outcome.caCertificate().getCriticalExtensionOIDs().contains("2.5.29.30"), "critical name constraints");
        assertEquals(List.of(), outcome.warnings());
        assertTrue(Files.exists(KeyEncryptionKey.file(data)), "the first start made the key-encryption key");
        assertFalse(Files.exists(data.caKeyStore()), "no CA key store that a password in tls/ opens");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.caPrivateKey())));
        Properties secrets = new Properties();
        secrets.load(new StringReader(Files.readString(data.tlsSecrets())));
        assertEquals(Set.of("server.password"), secrets.stringPropertyNames(), "only the server key store's password");
        byte[] sealed = Files.readAllBytes(data.caPrivateKey());
        assertThrows(GeneralSecurityException.class, () -> KeyFactory.getInstance("EC")
                .generatePrivate(new PKCS8EncodedKeySpec(sealed)), "tls/ca.key is not a plain PKCS#8 key");
    }

    @Test
    void withoutTheKeyEncryptionKeyTheCaKeyCannotBeOpenedFromTlsAlone() throws Exception {
        tls.ensure("host.lan", NAMES, NOW);
        Files.delete(KeyEncryptionKey.file(data));
        SubjectNames moved = new SubjectNames(NAMES.dnsNames(), Set.of("127.0.0.1", "0:0:0:0:0:0:0:1", "10.0.0.7"));

        TlsMaterial.Outcome reused = tls.ensure("host.lan", NAMES, NOW);
        ConfigurationException error = assertThrows(ConfigurationException.class,
                () -> tls.ensure("host.lan", moved, NOW));

        assertEquals("reused", reused.serverCertificateAction(), "the CA key is opened only to issue");
        assertTrue(error.getMessage().contains("key-encryption key"), error.getMessage());
        assertTrue(error.getMessage().contains("will not replace it"), error.getMessage());
        assertFalse(Files.exists(KeyEncryptionKey.file(data)), "no new key-encryption key was made");
    }

    @Test
    void aCaKeySealedByAnotherDataDirectoryStopsTheStartAndIsNeverReplaced() throws Exception {
        tls.ensure("host.lan", NAMES, NOW);
        DataDirectory other = new DataDirectory(root.resolve("other"));
        other.prepare();
        new TlsMaterial(other).ensure("host.lan", NAMES, NOW);
        byte[] foreignKey = Files.readAllBytes(other.caPrivateKey());
        Files.write(data.caPrivateKey(), foreignKey);
        byte[] caCert = Files.readAllBytes(data.caCertificate());
        Files.delete(data.serverKeyStore());

        ConfigurationException error = assertThrows(ConfigurationException.class,
                () -> tls.ensure("host.lan", NAMES, NOW));

        assertTrue(error.getMessage().contains("ca.key"), error.getMessage());
        assertTrue(error.getMessage().contains("will not replace it"), error.getMessage());
        assertArrayEquals(foreignKey, Files.readAllBytes(data.caPrivateKey()), "left as it was");
        assertArrayEquals(caCert, Files.readAllBytes(data.caCertificate()));
    }

    @Test
    void anExistingDatabaseWithoutKeyEncryptionKeyGetsNoNewOneForANewCa() throws Exception {
        Files.writeString(data.database().resolve("persona.mv.db"), "sealed persona keys");

        ConfigurationException error = assertThrows(ConfigurationException.class,
                () -> tls.ensure("host.lan", NAMES, NOW));

        assertTrue(error.getMessage().contains("is missing"), error.getMessage());
        assertFalse(Files.exists(KeyEncryptionKey.file(data)));
    }

    @Test
    void aCaFromAnOlderVersionKeepsWorkingAndEveryStartWarns() throws Exception {
        X509Certificate olderCa = writeOlderUnconstrainedCa();

        TlsMaterial.Outcome first = tls.ensure("host.lan", NAMES, NOW);
        TlsMaterial.Outcome second = tls.ensure("host.lan", NAMES, NOW.plusSeconds(60));

        assertFalse(first.caCreated());
        assertArrayEquals(olderCa.getEncoded(), first.caCertificate().getEncoded(), "phones keep trusting it");
        first.serverCertificate().verify(olderCa.getPublicKey());
        assertEquals("reused", second.serverCertificateAction());
        assertEquals(2, second.warnings().size(), second.warnings().toString());
        assertTrue(second.warnings().get(0).contains("secrets.properties"), second.warnings().get(0));
        assertTrue(second.warnings().get(1).contains("no name constraints"), second.warnings().get(1));
        assertTrue(second.warnings().get(1).contains("move the folder tls/"), second.warnings().get(1));
    }

    @Test
    void wrongPasswordOfAnOlderCaStopsTheStart() throws Exception {
        writeOlderUnconstrainedCa();
        String secrets = Files.readString(data.tlsSecrets()).replaceAll("ca.password=.*", "ca.password=wrong");
        Files.writeString(data.tlsSecrets(), secrets);

        ConfigurationException error = assertThrows(ConfigurationException.class,
                () -> tls.ensure("host.lan", NAMES, NOW));

        assertTrue(error.getMessage().contains("does not match its password"), error.getMessage());
    }

    @Test
    void anAddressTheCaMayNotVouchForIsWarnedAbout() {
        tls.ensure("host.lan", NAMES, NOW);
        SubjectNames publicAddress = new SubjectNames(NAMES.dnsNames(),
                Set.of("127.0.0.1", "0:0:0:0:0:0:0:1", "203.0.113.9"));

        TlsMaterial.Outcome outcome = tls.ensure("host.lan", publicAddress, NOW);

        assertEquals(1, outcome.warnings().size(), outcome.warnings().toString());
        assertTrue(outcome.warnings().get(0).contains("203.0.113.9"), outcome.warnings().get(0));
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
    void caCertificateWithoutItsKeyIsNotReplacedSilently() throws Exception {
        tls.ensure("host.lan", NAMES, NOW);
        Files.delete(data.caPrivateKey());

        ConfigurationException error = assertThrows(ConfigurationException.class,
                () -> tls.ensure("host.lan", NAMES, NOW));

        assertTrue(error.getMessage().contains("is missing"), error.getMessage());
        assertFalse(Files.exists(data.caPrivateKey()), "no new CA was made");
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

    /** The files an older version kept: an unconstrained CA in ca.p12, its password in secrets.properties. */
    private X509Certificate writeOlderUnconstrainedCa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = generator.generateKeyPair();
        X500Name subject = new X500Name("O=Persona,CN=Persona local CA (older)");
        X509Certificate ca = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                subject, BigInteger.TEN, Date.from(NOW.minusSeconds(3600)), Date.from(NOW.plus(Duration.ofDays(3650))),
                subject, keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign))
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(TlsMaterial.KEY_ALIAS, keys.getPrivate(), "older".toCharArray(), new Certificate[] {ca});
        try (var out = Files.newOutputStream(data.caKeyStore())) {
            store.store(out, "older".toCharArray());
        }
        Files.write(data.caCertificate(), ca.getEncoded());
        Files.writeString(data.tlsSecrets(), "ca.password=older\n");
        return ca;
    }
}

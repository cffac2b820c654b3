package dev.persona.server.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import dev.persona.server.ConfigurationException;
import dev.persona.server.DataDirectory;
import dev.persona.server.KeyEncryptionKey;

/**
 * Keeps the data directory's TLS files right at every start: creates the CA the first time, reuses it afterwards
 * and refuses to go on (never replaces it) when it cannot be read or has expired, because phones trust it; issues
 * a new server certificate when it is missing, unreadable, from another CA, for other names or addresses, or
 * within {@link #RENEW_BEFORE} of its end. Files are replaced, never deleted: a broken server key store is kept
 * beside the new one.
 *
 * <p>The CA's private key is kept sealed by the {@link KeyEncryptionKey} ({@code tls/ca.key}), so {@code tls/}
 * alone does not give it away; it is opened only to issue a server certificate. A CA made by an older version (a
 * {@code ca.p12} whose password is in {@code secrets.properties}, without name constraints) keeps working, since
 * phones trust it, and every start warns and says how to replace it.
 */
public final class TlsMaterial {

    /** Alias of the key entry in both key stores. */
    public static final String KEY_ALIAS = "persona";
    static final Duration RENEW_BEFORE = Duration.ofDays(30);
    private static final String LEGACY_CA_PASSWORD = "ca.password";
    private static final String SERVER_PASSWORD = "server.password";
    private static final String REKEY = "To replace it: ./persona stop, move the folder tls/ of the data directory "
            + "away, ./persona start, then have every phone trust the new CA again (its trust page: "
            + "http://<this computer>:<HTTP port>/trust).";

    private final DataDirectory dataDirectory;

    public TlsMaterial(DataDirectory dataDirectory) {
        this.dataDirectory = dataDirectory;
    }

    /** What {@link #ensure} found and did, and what the owner should know about (one sentence each). */
    public record Outcome(X509Certificate caCertificate, X509Certificate serverCertificate, boolean caCreated,
                          String serverCertificateAction, String serverKeyStorePassword, List<String> warnings) {
    }

    public Outcome ensure(String machineName, SubjectNames names, Instant now) {
        try {
            Properties secrets = readSecrets();
            List<String> warnings = new ArrayList<>();
            boolean caCreated = false;
            X509Certificate caCertificate;
            Supplier<LocalCertificateAuthority> ca;
            if (Files.exists(dataDirectory.caPrivateKey())) {
                caCertificate = readCaCertificate(now);
                ca = () -> openSealedCa(caCertificate);
            } else if (Files.exists(dataDirectory.caKeyStore())) {
                LocalCertificateAuthority older = loadOlderCa(secrets, now);
                caCertificate = older.certificate();
                ca = () -> older;
                warnings.add("The local CA's private key in " + dataDirectory.caKeyStore() + " can be read with the "
                        + "password beside it in " + dataDirectory.tlsSecrets() + ": a copy of " + dataDirectory.tls()
                        + " can issue certificates that phones trusting this CA accept. " + REKEY);
            } else {
                refuseOrphanCaCertificate();
                LocalCertificateAuthority created = LocalCertificateAuthority.create(machineName, names, now);
                KeyEncryptionKey kek = keyEncryptionKey(!dataDirectory.hasDatabase());
                DataDirectory.writeSecretFile(dataDirectory.caPrivateKey(),
                        kek.seal(created.privateKey().getEncoded(), sealingContext(created.certificate())));
                Files.write(dataDirectory.caCertificate(), created.certificate().getEncoded());
                caCertificate = created.certificate();
                ca = () -> created;
                caCreated = true;
            }
            if (!LocalCertificateAuthority.isNameConstrained(caCertificate)) {
                warnings.add("The local CA " + dataDirectory.caCertificate() + " has no name constraints: it can vouch "
                        + "for any website, not only for this host, to the phones that trust it. " + REKEY);
            }
            if (!Files.exists(dataDirectory.caCertificate())) {
                Files.write(dataDirectory.caCertificate(), caCertificate.getEncoded());
            }
            if (secrets.getProperty(SERVER_PASSWORD) == null) {
                secrets.setProperty(SERVER_PASSWORD, newPassword());
                writeSecrets(secrets);
            }
            String serverPassword = secrets.getProperty(SERVER_PASSWORD);
            String reason = reasonToReissue(caCertificate, names, serverPassword, now);
            X509Certificate server;
            String action;
            if (reason == null) {
                server = (X509Certificate) openKeyStore(dataDirectory.serverKeyStore(), serverPassword)
                        .getCertificate(KEY_ALIAS);
                action = "reused";
            } else {
                LocalCertificateAuthority.IssuedCertificate issued = ca.get().issueServerCertificate(names, now);
                writeKeyStore(dataDirectory.serverKeyStore(), issued.privateKey(),
                        List.of(issued.certificate(), caCertificate), serverPassword);
                server = issued.certificate();
                action = "issued (" + reason + ")";
            }
            String outside = LocalCertificateAuthority.namesOutsideScope(caCertificate, server);
            if (outside != null) {
                warnings.add("Phones will refuse the server certificate: the local CA may not vouch for some of its "
                        + "names or addresses (" + outside + "), which changed since the CA was made. " + REKEY);
            }
            return new Outcome(caCertificate, server, caCreated, action, serverPassword, List.copyOf(warnings));
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigurationException("Cannot prepare the TLS files in " + dataDirectory.tls() + ": " + e, e);
        }
    }

    /** The sealed key is bound to its certificate's public key, so it cannot be swapped for another CA's. */
    private static byte[] sealingContext(X509Certificate caCertificate) {
        byte[] label = "persona local CA key:".getBytes(StandardCharsets.US_ASCII);
        byte[] publicKey = caCertificate.getPublicKey().getEncoded();
        byte[] context = Arrays.copyOf(label, label.length + publicKey.length);
        System.arraycopy(publicKey, 0, context, label.length, publicKey.length);
        return context;
    }

    private String keepCa(Path file) {
        return " Phones trust this CA, so Persona will not replace it. Restore " + file.getFileName() + " from a "
                + "backup, or, to start over with a new CA that every phone must trust again, move the folder "
                + dataDirectory.tls() + " away.";
    }

    private X509Certificate readCaCertificate(Instant now) throws IOException {
        Path file = dataDirectory.caCertificate();
        X509Certificate certificate;
        try (InputStream in = Files.newInputStream(file)) {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (NoSuchFileException e) {
            throw new ConfigurationException("The CA certificate " + file + " is missing beside its private key "
                    + dataDirectory.caPrivateKey() + "." + keepCa(file), e);
        } catch (CertificateException e) {
            throw new ConfigurationException("The CA certificate " + file + " cannot be read (" + e.getMessage()
                    + ")." + keepCa(file), e);
        }
        requireNotExpired(certificate, file, now);
        return certificate;
    }

    private LocalCertificateAuthority openSealedCa(X509Certificate certificate) {
        Path file = dataDirectory.caPrivateKey();
        try {
            KeyEncryptionKey kek = keyEncryptionKey(false);
            byte[] encoded = kek.open(Files.readAllBytes(file), sealingContext(certificate));
            PrivateKey key = KeyFactory.getInstance(certificate.getPublicKey().getAlgorithm())
                    .generatePrivate(new PKCS8EncodedKeySpec(encoded));
            return new LocalCertificateAuthority(new KeyPair(certificate.getPublicKey(), key), certificate);
        } catch (ConfigurationException | IllegalStateException | IOException | GeneralSecurityException e) {
            throw new ConfigurationException("The local CA's private key " + file + " cannot be opened to issue a "
                    + "server certificate: " + e.getMessage() + keepCa(file), e);
        }
    }

    private KeyEncryptionKey keyEncryptionKey(boolean mayCreate) {
        try {
            return KeyEncryptionKey.load(dataDirectory, mayCreate);
        } catch (IllegalStateException e) {
            throw new ConfigurationException(e.getMessage(), e);
        }
    }

    private void requireNotExpired(X509Certificate certificate, Path file, Instant now) {
        if (certificate.getNotAfter().toInstant().isBefore(now)) {
            throw new ConfigurationException("The local CA certificate in " + file + " expired on "
                    + certificate.getNotAfter().toInstant() + "." + keepCa(file));
        }
    }

    /** A CA made by an older version: its key store and the password in {@code secrets.properties}. */
    private LocalCertificateAuthority loadOlderCa(Properties secrets, Instant now) {
        Path file = dataDirectory.caKeyStore();
        String password = secrets.getProperty(LEGACY_CA_PASSWORD);
        String keep = keepCa(file).replace("Restore " + file.getFileName(), "Restore " + file.getFileName() + " and "
                + dataDirectory.tlsSecrets().getFileName());
        if (password == null) {
            throw new ConfigurationException("The CA key store " + file + " exists but its password is missing from "
                    + dataDirectory.tlsSecrets() + "." + keep);
        }
        try {
            KeyStore store = openKeyStore(file, password);
            PrivateKey key = (PrivateKey) store.getKey(KEY_ALIAS, password.toCharArray());
            X509Certificate certificate = (X509Certificate) store.getCertificate(KEY_ALIAS);
            if (key == null || certificate == null) {
                throw new GeneralSecurityException("no entry '" + KEY_ALIAS + "'");
            }
            requireNotExpired(certificate, file, now);
            return new LocalCertificateAuthority(new KeyPair(certificate.getPublicKey(), key), certificate);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigurationException("The CA key store " + file + " cannot be opened (" + e.getMessage()
                    + "): it is corrupt or does not match its password." + keep, e);
        }
    }

    private void refuseOrphanCaCertificate() {
        if (Files.exists(dataDirectory.caCertificate())) {
            throw new ConfigurationException("The CA certificate " + dataDirectory.caCertificate()
                    + " exists but its private key " + dataDirectory.caPrivateKey() + " is missing. Phones may trust "
                    + "this CA, so Persona will not replace it silently. Restore the key from a backup, or "
                    + "move the folder " + dataDirectory.tls() + " away to create a new CA.");
        }
    }

    /** Null when the current server certificate is fine, else why it must be issued anew. */
    private String reasonToReissue(X509Certificate ca, SubjectNames names, String password, Instant now)
            throws IOException {
        Path file = dataDirectory.serverKeyStore();
        if (!Files.exists(file)) {
            return "none yet";
        }
        X509Certificate current;
        try {
            current = (X509Certificate) openKeyStore(file, password).getCertificate(KEY_ALIAS);
            if (current == null) {
                throw new GeneralSecurityException("no entry '" + KEY_ALIAS + "'");
            }
        } catch (IOException | GeneralSecurityException e) {
            Path kept = file.resolveSibling(file.getFileName() + ".unreadable-" + now.getEpochSecond());
            Files.move(file, kept);
            return "the old key store could not be opened (" + e.getMessage() + "); it was kept as " + kept;
        }
        String keyAlgorithm = current.getPublicKey().getAlgorithm();
        if (!keyAlgorithm.equals(LocalCertificateAuthority.SERVER_KEY_ALGORITHM)) {
            return "its key is " + keyAlgorithm + "; the server's TLS (OpenSSL) takes "
                    + LocalCertificateAuthority.SERVER_KEY_ALGORITHM + " keys";
        }
        try {
            current.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            return "it was issued by another CA";
        }
        if (current.getNotAfter().toInstant().isBefore(now.plus(RENEW_BEFORE))) {
            return "it expires on " + current.getNotAfter().toInstant();
        }
        SubjectNames covered = coveredNames(current);
        if (!covered.equals(names)) {
            return "the machine's names or addresses changed from " + covered + " to " + names;
        }
        return null;
    }

    /** The DNS names and IP addresses in a certificate's subject alternative names. */
    public static SubjectNames coveredNames(X509Certificate certificate) {
        Set<String> dns = new TreeSet<>();
        Set<String> ips = new TreeSet<>();
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    if (type == 2) {
                        dns.add((String) san.get(1));
                    } else if (type == 7) {
                        ips.add(java.net.InetAddress.getByName((String) san.get(1)).getHostAddress());
                    }
                }
            }
        } catch (CertificateParsingException | java.net.UnknownHostException e) {
            return new SubjectNames(Set.of(), Set.of());
        }
        return new SubjectNames(dns, ips);
    }

    private static KeyStore openKeyStore(Path file, String password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password.toCharArray());
        }
        return store;
    }

    private static void writeKeyStore(Path file, PrivateKey key, List<X509Certificate> chain, String password)
            throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(KEY_ALIAS, key, password.toCharArray(), chain.toArray(Certificate[]::new));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        store.store(bytes, password.toCharArray());
        DataDirectory.writeSecretFile(file, bytes.toByteArray());
    }

    private Properties readSecrets() throws IOException {
        Properties secrets = new Properties();
        if (Files.exists(dataDirectory.tlsSecrets())) {
            secrets.load(new StringReader(Files.readString(dataDirectory.tlsSecrets(), StandardCharsets.ISO_8859_1)));
        }
        return secrets;
    }

    private void writeSecrets(Properties secrets) throws IOException {
        java.io.StringWriter text = new java.io.StringWriter();
        secrets.store(text, "Key store passwords of the host's TLS files. Keep this file private.");
        DataDirectory.writeSecretFile(dataDirectory.tlsSecrets(), text.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String newPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}

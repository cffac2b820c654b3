package dev.persona.server.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import dev.persona.server.ConfigurationException;
import dev.persona.server.DataDirectory;

/**
 * Keeps the data directory's TLS files right at every start: creates the CA the first time, reuses it afterwards
 * and refuses to go on (never replaces it) when it cannot be read or has expired, because phones trust it; issues
 * a new server certificate when it is missing, unreadable, from another CA, for other names or addresses, or
 * within {@link #RENEW_BEFORE} of its end. Files are replaced, never deleted: a broken server key store is kept
 * beside the new one.
 */
public final class TlsMaterial {

    /** Alias of the key entry in both key stores. */
    public static final String KEY_ALIAS = "persona";
    static final Duration RENEW_BEFORE = Duration.ofDays(30);
    private static final String CA_PASSWORD = "ca.password";
    private static final String SERVER_PASSWORD = "server.password";

    private final DataDirectory dataDirectory;

    public TlsMaterial(DataDirectory dataDirectory) {
        this.dataDirectory = dataDirectory;
    }

    /** What {@link #ensure} found and did. */
    public record Outcome(X509Certificate caCertificate, X509Certificate serverCertificate, boolean caCreated,
                          String serverCertificateAction, String serverKeyStorePassword) {
    }

    public Outcome ensure(String machineName, SubjectNames names, Instant now) {
        try {
            Properties secrets = readSecrets();
            boolean caCreated = false;
            LocalCertificateAuthority ca;
            if (Files.exists(dataDirectory.caKeyStore())) {
                ca = loadCa(secrets, now);
            } else {
                refuseOrphanCaCertificate();
                ca = LocalCertificateAuthority.create(machineName, now);
                secrets.setProperty(CA_PASSWORD, newPassword());
                secrets.setProperty(SERVER_PASSWORD, newPassword());
                writeSecrets(secrets);
                writeKeyStore(dataDirectory.caKeyStore(), ca.privateKey(), List.of(ca.certificate()),
                        secrets.getProperty(CA_PASSWORD));
                Files.write(dataDirectory.caCertificate(), ca.certificate().getEncoded());
                caCreated = true;
            }
            if (!Files.exists(dataDirectory.caCertificate())) {
                Files.write(dataDirectory.caCertificate(), ca.certificate().getEncoded());
            }
            if (secrets.getProperty(SERVER_PASSWORD) == null) {
                secrets.setProperty(SERVER_PASSWORD, newPassword());
                writeSecrets(secrets);
            }
            String serverPassword = secrets.getProperty(SERVER_PASSWORD);
            String reason = reasonToReissue(ca, names, serverPassword, now);
            X509Certificate server;
            String action;
            if (reason == null) {
                server = (X509Certificate) openKeyStore(dataDirectory.serverKeyStore(), serverPassword)
                        .getCertificate(KEY_ALIAS);
                action = "reused";
            } else {
                LocalCertificateAuthority.IssuedCertificate issued = ca.issueServerCertificate(names, now);
                writeKeyStore(dataDirectory.serverKeyStore(), issued.privateKey(),
                        List.of(issued.certificate(), ca.certificate()), serverPassword);
                server = issued.certificate();
                action = "issued (" + reason + ")";
            }
            return new Outcome(ca.certificate(), server, caCreated, action, serverPassword);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigurationException("Cannot prepare the TLS files in " + dataDirectory.tls() + ": " + e, e);
        }
    }

    private LocalCertificateAuthority loadCa(Properties secrets, Instant now) {
        Path file = dataDirectory.caKeyStore();
        String password = secrets.getProperty(CA_PASSWORD);
        String keep = " Phones trust this CA, so Persona will not replace it. Restore " + file.getFileName() + " and "
                + dataDirectory.tlsSecrets().getFileName() + " from a backup, or, to start over with a new CA that "
                + "every phone must trust again, move the folder " + dataDirectory.tls() + " away.";
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
            if (certificate.getNotAfter().toInstant().isBefore(now)) {
                throw new ConfigurationException("The local CA certificate in " + file + " expired on "
                        + certificate.getNotAfter().toInstant() + "." + keep);
            }
            return new LocalCertificateAuthority(new KeyPair(certificate.getPublicKey(), key), certificate);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigurationException("The CA key store " + file + " cannot be opened (" + e.getMessage()
                    + "): it is corrupt or does not match its password." + keep, e);
        }
    }

    private void refuseOrphanCaCertificate() {
        if (Files.exists(dataDirectory.caCertificate())) {
            throw new ConfigurationException("The CA certificate " + dataDirectory.caCertificate()
                    + " exists but its key store " + dataDirectory.caKeyStore() + " is missing. Phones may trust "
                    + "this CA, so Persona will not replace it silently. Restore the key store from a backup, or "
                    + "move the folder " + dataDirectory.tls() + " away to create a new CA.");
        }
    }

    /** Null when the current server certificate is fine, else why it must be issued anew. */
    private String reasonToReissue(LocalCertificateAuthority ca, SubjectNames names, String password, Instant now)
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
        try {
            current.verify(ca.certificate().getPublicKey());
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

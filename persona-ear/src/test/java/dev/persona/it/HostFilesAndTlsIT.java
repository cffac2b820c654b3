package dev.persona.it;

import dev.persona.testkit.Directories;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import dev.persona.testkit.PersonaHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What another user of the machine, or a device on the LAN, finds of the host's files and TLS (issue 14, findings
 * 9, 11 and 12): an owner-only data directory whose logs hold no secret setting, across a restart, even when the
 * folder was made by someone else first; TLS 1.3 and 1.2 on, 1.1 refused; a CA that is name-constrained and whose
 * private key cannot be read from {@code tls/} alone.
 */
class HostFilesAndTlsIT {

    private static final String API_KEY = "it-backend-key-" + UUID.randomUUID();
    private static final String ADMIN_PASSWORD = "it-admin-pw-" + UUID.randomUUID();
    private static final Set<PosixFilePermission> GROUP_OR_OTHER = Set.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private static PersonaHost host;

    @BeforeAll
    static void startRestartAndStart() throws Exception {
        host = new PersonaHost(Path.of("target/it-data/files-tls").toAbsolutePath())
                .with("PERSONA_LLAMA_BACKEND_API_KEYS", API_KEY)
                .with("PERSONA_ADMIN_PASSWORD", ADMIN_PASSWORD);
        Directories.deleteRecursively(host.dataDirectory);
        // The folder exists already, made readable for everyone (by a mkdir under umask 022, or an older Persona),
        // with a log file an older host left readable for everyone.
        Files.createDirectories(host.dataDirectory.resolve("logs"));
        Files.setPosixFilePermissions(host.dataDirectory, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(host.dataDirectory.resolve("logs"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Path oldLog = Files.writeString(host.dataDirectory.resolve("logs/server.log.2026-01-01"), "an older log\n");
        Files.setPosixFilePermissions(oldLog, PosixFilePermissions.fromString("rw-r--r--"));

        host.start();
        host.stop();
        host.start();
    }

    @AfterAll
    static void stopHost() throws Exception {
        PersonaHost.tearDown(host).run();
    }

    @Test
    void noLogFileHoldsASecretSetting() throws IOException {
        List<Path> logs = logFiles();
        assertTrue(logs.contains(host.dataDirectory.resolve("logs/server.log")), "server.log was read: " + logs);
        assertTrue(logs.stream().anyMatch(f -> f.startsWith(host.dataDirectory.resolve("llama"))),
                "llama-server's logs were read: " + logs);
        List<String> leaks = new ArrayList<>();
        for (Path file : logs) {
            String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            if (text.contains(API_KEY)) {
                leaks.add(file + " holds the backend API key");
            }
            if (text.contains(ADMIN_PASSWORD)) {
                leaks.add(file + " holds the console password");
            }
        }
        assertEquals(List.of(), leaks);
    }

    @Test
    void theDataDirectoryAndEveryLogAreTheOwnersOnly() throws IOException {
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(host.dataDirectory)),
                "the data directory, made readable for everyone before the first start");
        List<String> open = new ArrayList<>();
        List<Path> checked = new ArrayList<>(logFiles());
        checked.add(host.dataDirectory.resolve("logs"));
        checked.add(host.dataDirectory.resolve("llama"));
        for (Path path : checked) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
            if (!Collections.disjoint(permissions, GROUP_OR_OTHER)) {
                open.add(path + " " + PosixFilePermissions.toString(permissions));
            }
        }
        assertTrue(checked.contains(host.dataDirectory.resolve("logs/server.log.2026-01-01")), checked.toString());
        assertEquals(List.of(), open, "files and folders others can read or enter");
    }

    @Test
    void tls13AndTls12ConnectWithTheCertificateTheCaVouchesFor() throws Exception {
        assertEquals("TLSv1.3", handshake("TLSv1.3"));
        assertEquals("TLSv1.2", handshake("TLSv1.2"));
    }

    @Test
    void tls11IsRefusedByTheServer() throws Exception {
        // The JDK would not even offer TLS 1.1, so the ClientHello is written by hand; the same hello with TLS 1.2
        // shows that the probe itself is answered with a ServerHello when the version is acceptable.
        assertEquals("ServerHello 0303", rawHandshakeAnswer(0x0303));
        // OpenSSL's engine (wildfly-openssl) ends such a handshake by closing the connection, the JDK's with an alert.
        String answer = rawHandshakeAnswer(0x0302);
        assertTrue(answer.startsWith("alert") || answer.equals("closed"), "TLS 1.1 got: " + answer);
    }

    @Test
    void theCaIsNameConstrainedAndItsKeyCannotBeOpenedFromTheTlsFolderAlone() throws Exception {
        X509Certificate ca = host.caCertificate();
        assertTrue(ca.getCriticalExtensionOIDs().contains("2.5.29.30"), "critical name constraints on the CA");

        Properties secrets = new Properties();
        Path secretsFile = host.dataDirectory.resolve("tls/secrets.properties");
        if (Files.exists(secretsFile)) {
            try (InputStream in = Files.newInputStream(secretsFile)) {
                secrets.load(in);
            }
        }
        List<String> opened = new ArrayList<>();
        try (Stream<Path> files = Files.list(host.dataDirectory.resolve("tls"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                for (String password : secrets.stringPropertyNames().stream().map(secrets::getProperty).toList()) {
                    if (opensKeyOf(file, password, ca.getPublicKey())) {
                        opened.add(file.getFileName().toString());
                    }
                }
            }
        }
        assertEquals(List.of(), opened, "tls/ files that give the CA's private key with a password from tls/");
    }

    private static boolean opensKeyOf(Path file, String password, PublicKey caKey) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias) && store.getKey(alias, password.toCharArray()) != null
                        && store.getCertificate(alias).getPublicKey().equals(caKey)) {
                    return true;
                }
            }
        } catch (Exception notAKeyStoreOrNotThisPassword) {
            return false;
        }
        return false;
    }

    /** The protocol a JDK client restricted to {@code protocol} agrees on, verifying the chain and the name. */
    private static String handshake(String protocol) throws Exception {
        try (SSLSocket socket = (SSLSocket) host.trustingOnlyTheHostCa().getSocketFactory()
                .createSocket("localhost", host.httpsPort)) {
            socket.setSoTimeout(30_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setProtocols(new String[] {protocol});
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return socket.getSession().getProtocol();
        }
    }

    /**
     * Sends a ClientHello of the given legacy version (ECDHE-RSA suites for the host's RSA key, P-256) and names the
     * first record of the answer: {@code ServerHello <version>}, {@code alert <level>/<description>}, or
     * {@code closed} when the server closed the connection without answering.
     */
    private static String rawHandshakeAnswer(int version) throws IOException {
        ByteArrayOutputStream hello = new ByteArrayOutputStream();
        hello.write(version >> 8);
        hello.write(version);
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        hello.write(random);
        hello.write(0); // no session id
        int[] suites = {0xC02F, 0xC030, 0xC013, 0xC014, 0xC027, 0xC028};
        writeShort(hello, suites.length * 2);
        for (int suite : suites) {
            writeShort(hello, suite);
        }
        hello.write(1);
        hello.write(0); // null compression
        ByteArrayOutputStream extensions = new ByteArrayOutputStream();
        extensions.write(new byte[] {0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x17}); // supported_groups: P-256
        extensions.write(new byte[] {0x00, 0x0b, 0x00, 0x02, 0x01, 0x00}); // ec_point_formats: uncompressed
        extensions.write(new byte[] {0x00, 0x0d, 0x00, 0x06, 0x00, 0x04, 0x04, 0x01, 0x02, 0x01}); // RSA sigs
        writeShort(hello, extensions.size());
        extensions.writeTo(hello);

        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.write(0x16);
        writeShort(record, 0x0301);
        writeShort(record, hello.size() + 4);
        record.write(0x01);
        record.write(0);
        writeShort(record, hello.size());
        hello.writeTo(record);

        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", host.httpsPort), 10_000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(record.toByteArray());
            socket.getOutputStream().flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int type = in.read();
            if (type < 0) {
                return "closed";
            }
            in.readUnsignedShort();
            int length = in.readUnsignedShort();
            byte[] body = new byte[Math.min(length, 16)];
            in.readFully(body);
            if (type == 0x15) {
                return "alert " + body[0] + "/" + body[1];
            }
            if (type == 0x16 && body[0] == 0x02) {
                return String.format("ServerHello %02x%02x", body[4], body[5]);
            }
            return "record type " + type;
        }
    }

    private static void writeShort(ByteArrayOutputStream out, int value) {
        out.write(value >> 8);
        out.write(value);
    }

    /** Every regular file under logs/, llama/ and server/log/ of the data directory. */
    private static List<Path> logFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String folder : List.of("logs", "llama", "server/log")) {
            Path dir = host.dataDirectory.resolve(folder);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    walk.filter(Files::isRegularFile).forEach(files::add);
                }
            }
        }
        assertFalse(files.isEmpty(), "no log files found");
        return files;
    }
}

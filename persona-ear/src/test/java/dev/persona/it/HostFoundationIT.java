package dev.persona.it;

import static dev.persona.testkit.Directories.deleteRecursively;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

import dev.persona.testkit.PersonaHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The running host as a phone and its owner first meet it: HTTPS by default, the CA over plain HTTP, health. */
class HostFoundationIT {

    /** An option of the owner's for the server's JVM (PERSONA_JVM_OPTIONS), harmless to the tests. */
    private static final String OWNERS_JVM_OPTION = "-XX:MaxMetaspaceSize=300m";
    /** The soft limit on open files the launcher is started with, as a login shell's default may be. */
    private static final int LOW_SOFT_OPEN_FILES = 1024;
    /** Signaling peers the host is told to take: one fewer than the system lets a process open, or the most. */
    private static final long SIGNALING_PEERS = Math.min(1_000_000, hardOpenFilesLimit() - 1);
    private static PersonaHost host;
    private static PersonaHost.Run started;
    private static HttpClient https;
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startHost() throws Exception {
        host = new PersonaHost(Path.of("target/it-data/foundation").toAbsolutePath())
                .with("PERSONA_JVM_OPTIONS", OWNERS_JVM_OPTION)
                .with("PERSONA_SIGNALING_CONCURRENT_LIMIT", Long.toString(SIGNALING_PEERS))
                .withOpenFilesSoftLimit(LOW_SOFT_OPEN_FILES);
        deleteRecursively(host.dataDirectory);
        started = host.start();
        https = HttpClient.newBuilder().sslContext(host.trustingOnlyTheHostCa())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stopHost() throws Exception {
        PersonaHost.tearDown(host).run();
    }

    @Test
    void readinessIsUpOverHttpsVerifiedAgainstTheGeneratedCa() throws Exception {
        HttpResponse<String> response = https.send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + host.managementHttpsPort + "/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode(), response.body());
        String body = response.body();
        assertTrue(body.startsWith("{\"status\":\"UP\""), body);
        assertTrue(body.contains("\"name\":\"persona-host\",\"status\":\"UP\""), body);
        assertTrue(body.contains("\"database\":\"ok\""), body);
        assertTrue(body.contains("\"persona.ear\":\"OK\""), body);
    }

    @Test
    void livenessReportsTheApplication() throws Exception {
        HttpResponse<String> response = https.send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + host.managementHttpsPort + "/health/live")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"name\":\"persona-host\",\"status\":\"UP\""), response.body());
    }

    @Test
    void applicationAnswersOverHttpsWithACertificateForEveryLocalName() throws Exception {
        for (String name : List.of("localhost", "127.0.0.1")) {
            HttpResponse<String> response = https.send(HttpRequest.newBuilder(
                    URI.create("https://" + name + ":" + host.httpsPort + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), name);
            assertTrue(response.body().contains("<h1>Persona</h1>"), response.body());
            SSLSession tls = response.sslSession().orElseThrow();
            X509Certificate server = (X509Certificate) tls.getPeerCertificates()[0];
            server.verify(host.caCertificate().getPublicKey());
        }
    }

    @Test
    void httpsSpeaksHttp2OverTls13AndTls12AsBrowsersAskForIt() throws Exception {
        // A client as browsers are: TLS 1.3 preferred, TLS 1.2 suites offered too; then one held to TLS 1.2.
        SSLParameters tls12 = host.trustingOnlyTheHostCa().getDefaultSSLParameters();
        tls12.setProtocols(new String[] {"TLSv1.2"});
        Map<String, SSLParameters> clients = new LinkedHashMap<>();
        clients.put("TLSv1.3", host.trustingOnlyTheHostCa().getDefaultSSLParameters());
        clients.put("TLSv1.2", tls12);
        for (Map.Entry<String, SSLParameters> client : clients.entrySet()) {
            HttpClient http = HttpClient.newBuilder().sslContext(host.trustingOnlyTheHostCa())
                    .sslParameters(client.getValue()).version(HttpClient.Version.HTTP_2)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + host.httpsPort + "/client")).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertEquals(client.getKey(), response.sslSession().orElseThrow().getProtocol());
            assertEquals(HttpClient.Version.HTTP_2, response.version(), "ALPN h2 over " + client.getKey());
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCaIsRefused() {
        HttpClient defaultTrust = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThrows(SSLHandshakeException.class, () -> defaultTrust.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + host.httpsPort + "/")).build(),
                HttpResponse.BodyHandlers.discarding()));
    }

    @Test
    void caCertificateIsServedOverPlainHttpAsDer() throws Exception {
        HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + host.httpPort + "/ca.crt")).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertEquals(200, response.statusCode());
        assertEquals("application/x-x509-ca-cert", response.headers().firstValue("Content-Type").orElseThrow());
        assertArrayEquals(Files.readAllBytes(host.caCertificateFile()), response.body());
        X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(response.body()));
        assertTrue(ca.getBasicConstraints() >= 0, "it is a CA certificate");
    }

    @Test
    void trustPageIsServedOverPlainHttpWithInstructionsAndFingerprint() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + host.httpPort + "/trust")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        String page = response.body();
        assertTrue(page.contains("Android") && page.contains("iPhone"), page);
        assertTrue(page.contains("href=\"/ca.crt\""), page);
        String fingerprint = java.util.HexFormat.ofDelimiter(":").withUpperCase().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(host.caCertificateFile())));
        assertTrue(page.contains(fingerprint), "the page shows the CA's SHA-256 fingerprint");
        assertTrue(page.contains("https://127.0.0.1:" + host.httpsPort + "/"), "it links to HTTPS on the same host");
    }

    @Test
    void everythingElseOverPlainHttpRedirectsToHttpsKeepingHostPathAndQuery() throws Exception {
        HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + host.httpPort + "/client?id=abc&invite=xyz")).build(),
                HttpResponse.BodyHandlers.discarding());

        assertEquals(301, response.statusCode());
        assertEquals("https://127.0.0.1:" + host.httpsPort + "/client?id=abc&invite=xyz",
                response.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void launcherWroteThePhoneAndTrustAddresses() throws Exception {
        var env = host.launchEnvironment();
        assertTrue(env.getProperty("PERSONA_PHONE_URL").matches("https://[0-9.]+:" + host.httpsPort + "/client"),
                env.toString());
        assertTrue(env.getProperty("PERSONA_TRUST_URL").matches("http://[0-9.]+:" + host.httpPort + "/trust"),
                env.toString());
    }

    @Test
    void startPrintsAOneTimePairingUrlWithTheHostKeyIdAndItsQrCode() {
        var url = java.util.regex.Pattern.compile("open (https://[0-9.]+:" + host.httpsPort
                + "/client\\?id=k1[a-z2-7]{52}&invite=[a-z2-9]{26})\n").matcher(started.output());
        assertTrue(url.find(), started.output());
        assertTrue(started.output().contains("█▀▀▀▀▀█") || started.output().contains("██ ▄▄▄▄▄ █"),
                "the QR code is printed");
    }

    @Test
    void serverRunsWithTheLaunchersMemorySettingsTheOwnersOptionsLastAndNoUnusedSubsystems() throws Exception {
        long pid = Long.parseLong(Files.readString(host.dataDirectory.resolve("run/wildfly.pid")).trim());
        List<String> arguments = List.of(Files.readString(Path.of("/proc/" + pid + "/cmdline")).split("\0"));
        assertTrue(arguments.contains("-XX:+UseSerialGC") && arguments.contains("-Xmx512m")
                && arguments.contains("-XX:TieredStopAtLevel=1") && arguments.contains("-XX:MaxNewSize=24m"),
                arguments.toString());
        assertTrue(arguments.indexOf(OWNERS_JVM_OPTION) > arguments.indexOf("-XX:+UseSerialGC"), arguments.toString());
        assertTrue(List.of(Files.readString(Path.of("/proc/" + pid + "/environ")).split("\0"))
                .contains("MALLOC_ARENA_MAX=2"));
        String configuration = Files.readString(host.dataDirectory.resolve("server/configuration/standalone.xml"));
        for (String unused : List.of("urn:jboss:domain:remoting:", "urn:jboss:domain:jmx:", "urn:wildfly:metrics:",
                "ExampleDS", "applicationSSC", "http-invoker", "urn:jboss:domain:infinispan:",
                "urn:jboss:domain:distributable-ejb:", "urn:jboss:domain:distributable-web:",
                "urn:jboss:domain:discovery:")) {
            assertTrue(!configuration.contains(unused), "standalone.xml still has " + unused);
        }
    }

    @Test
    void serverMayOpenAsManyFilesAsTheSystemAllowsAndTheLauncherWarnsWhenThatIsTooFewForItsPeers() throws Exception {
        long pid = Long.parseLong(Files.readString(host.dataDirectory.resolve("run/wildfly.pid")).trim());
        long[] limits = openFilesLimits(Path.of("/proc/" + pid + "/limits"));

        assertEquals(hardOpenFilesLimit(), limits[1], "the server keeps the system's hard limit");
        assertEquals(limits[1], limits[0], "the launcher, started with a soft limit of " + LOW_SOFT_OPEN_FILES
                + ", raised it to the hard one");
        // 1024 files are kept for the server's own (module jars, database, logs): with fewer left, one warning.
        boolean tooFew = hardOpenFilesLimit() < SIGNALING_PEERS + 1024;
        String warning = "warning: the server may open " + hardOpenFilesLimit() + " files (hard limit), fewer than "
                + "PERSONA_SIGNALING_CONCURRENT_LIMIT=" + SIGNALING_PEERS + " peers + 1024 for its own files: raise "
                + "the hard limit to at least " + (SIGNALING_PEERS + 1024);
        assertEquals(tooFew ? 1 : 0, started.output().split(java.util.regex.Pattern.quote(warning), -1).length - 1,
                started.output());
    }

    /** This JVM's hard limit on open files, which the launcher it starts inherits ({@code Long.MAX_VALUE}: none). */
    private static long hardOpenFilesLimit() {
        try {
            return openFilesLimits(Path.of("/proc/self/limits"))[1];
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The soft and hard limit on open files in a {@code /proc/<pid>/limits} file. */
    private static long[] openFilesLimits(Path limits) throws java.io.IOException {
        String line = Files.readAllLines(limits).stream().filter(l -> l.startsWith("Max open files")).findFirst()
                .orElseThrow();
        String[] fields = line.substring("Max open files".length()).trim().split("\\s+");
        return new long[] {fields[0].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(fields[0]),
                fields[1].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(fields[1])};
    }
}

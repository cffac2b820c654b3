package dev.persona.it;

import dev.persona.testkit.Directories;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocket;

import dev.persona.signaling.identity.KeyId;
import dev.persona.testkit.JavaPhone;
import dev.persona.testkit.JavaPhone.Received;
import dev.persona.testkit.JavaPhone.Turn;
import dev.persona.testkit.PageLoad;
import dev.persona.testkit.PersonaHost;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The same EAR on Payara Server 6 ({@code ./persona start --server payara}; README, "Payara"), through the launcher
 * as a user starts it: HTTPS with the host's own CA, MicroProfile Health (the database among its checks), the
 * console's sign-in with the generated password, and a Java phone that pairs with the printed invite over the
 * signaling WebSocket and WebRTC and hears one answer from llama-server through the resource adapter, the relay
 * socket, and the bound on request bodies (RequestBodyLimit's filter, Payara's twin of UndertowBodyLimit). Its figures (the start, the turn) go to
 * target/payara-measurements.txt.
 */
@Tag("loopback-network")
class PayaraHostIT {

    private static final Duration REPLY = Duration.ofSeconds(30);
    private static final Duration ANSWER = Duration.ofSeconds(240);
    private static final Path MEASUREMENTS = Path.of("target/payara-measurements.txt");
    /** The bound on request bodies this host runs with (PERSONA_HTTP_MAX_BODY_KIB), far below the default. */
    private static final int BOUND_KIB = 64;

    private static PersonaHost host;
    private static PersonaHost.Run started;
    private static HttpClient https;
    private static final List<String> measurements = new ArrayList<>();

    @BeforeAll
    static void startOnPayara() throws Exception {
        JavaPhone.requireLoopbackNetwork();
        host = new PersonaHost(Path.of("target/it-data/payara").toAbsolutePath()).onServer("payara")
                .with("PERSONA_HTTP_MAX_BODY_KIB", Integer.toString(BOUND_KIB));
        Directories.deleteRecursively(host.dataDirectory);
        long start = System.nanoTime();
        started = host.start();
        measurements.add("start --server payara (new data directory; template domain made if not cached): "
                + (System.nanoTime() - start) / 1_000_000 + " ms");
        https = HttpClient.newBuilder().sslContext(host.trustingOnlyTheHostCa()).cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(20)).build();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            JavaPhone.disposeFactory();
        } finally {
            if (host != null) {
                host.stop();
            }
            Files.createDirectories(MEASUREMENTS.getParent());
            Files.write(MEASUREMENTS, measurements, StandardCharsets.UTF_8);
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return https.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String console(String path) {
        return "https://localhost:" + host.httpsPort + path;
    }

    @Test
    void healthIsUpOverTheHostsOwnCertificate() throws Exception {
        String url = host.launchEnvironment().getProperty("PERSONA_HEALTH_URL");
        HttpResponse<String> ready = get(url);
        assertEquals(200, ready.statusCode(), url + ": " + ready.body());
        assertTrue(ready.body().contains("\"persona-host\""), "the host's own readiness check: " + ready.body());
        assertTrue(ready.body().contains("UP"), ready.body());
    }

    @Test
    void theOwnerSignsInWithTheGeneratedPassword() throws Exception {
        HttpResponse<String> login = get(console("/console/"));
        assertTrue(login.body().contains("j_security_check"), "the login form: " + login.body());

        String form = "j_username=admin&j_password=" + URLEncoder.encode("not-the-password", StandardCharsets.UTF_8);
        HttpResponse<String> refused = https.send(HttpRequest.newBuilder(URI.create(console("/j_security_check")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(refused.uri().toString().contains("failed=true"), "a wrong password is refused: " + refused.uri());

        form = "j_username=admin&j_password=" + URLEncoder.encode(started.consolePassword(), StandardCharsets.UTF_8);
        https.send(HttpRequest.newBuilder(URI.create(console("/j_security_check")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> console = get(console("/console/"));
        assertEquals(200, console.statusCode());
        assertFalse(console.body().contains("j_password"), "signed in, no login form: " + console.body());
        assertTrue(console.body().contains("stat-tokens"), "the console's dashboard: " + console.body());
    }

    /**
     * The phone's relay socket (the page's fallback when no data channel opens) opens on Payara too and reaches the
     * chat: the host answers a hello on it with its welcome, signed with the key of the host id in the path.
     */
    @Test
    void theRelaySocketOpensAndTheHostProvesItselfOnIt() throws Exception {
        String hostId = started.pairingUrl().hostId();
        Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(new SecureRandom());
        String phoneId = KeyId.of(key.generatePublicKey().getEncoded()).toString();
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket socket = https.newWebSocketBuilder().buildAsync(URI.create("wss://127.0.0.1:" + host.httpsPort
                + "/relay/" + hostId + "?phone=" + phoneId), new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            received.add(partial.toString());
                            partial.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                    }
                }).get(60, TimeUnit.SECONDS);
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            socket.sendText(Json.createObjectBuilder().add("type", "hello").add("v", 1).add("host", hostId)
                    .add("device", phoneId).add("challenge", JavaPhone.base64url(challenge))
                    .add("name", "Relay phone").build().toString(), true).get(30, TimeUnit.SECONDS);
            String text = received.poll(REPLY.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(text, "the host answers the hello on the relay socket within " + REPLY);
            JsonObject welcome = Json.createReader(new StringReader(text)).readObject();
            assertEquals("welcome", welcome.getString("type"), text);
            byte[] statement = JavaPhone.statement("host", hostId, phoneId, challenge,
                    Base64.getUrlDecoder().decode(welcome.getString("challenge")));
            Ed25519Signer verifier = new Ed25519Signer();
            verifier.init(false, new Ed25519PublicKeyParameters(KeyId.parse(hostId).publicKey()));
            verifier.update(statement, 0, statement.length);
            assertTrue(verifier.verifySignature(Base64.getUrlDecoder().decode(welcome.getString("signature"))),
                    "signed with the host's key: " + text);
        } finally {
            socket.abort();
        }
    }

    /** RequestBodyLimit's filter, Payara's twin of WildFly's Undertow extension (README, "Payara"). */
    @Test
    void aBodyBeyondTheBoundIsRefusedUnreadAndOneWithinItGoesOn() throws Exception {
        String refused = statusLine(BOUND_KIB * 1024 + 1, false);
        assertTrue(refused.startsWith("HTTP/1.1 413 "), "a declared length beyond the bound, nothing sent: " + refused);
        String within = statusLine(BOUND_KIB * 1024, true);
        assertTrue(within.startsWith("HTTP/1.1 ") && !within.startsWith("HTTP/1.1 413 "),
                "a body of the bound's size reaches the application: " + within);
        String log = Files.readString(host.dataDirectory.resolve("logs/server.log"));
        assertTrue(log.contains("Request bodies: at most " + BOUND_KIB + " KiB"), "the setting reached the server");
    }

    /** The status line of a POST to /client declaring {@code length} bytes, sent ({@code send}) or not. */
    private static String statusLine(int length, boolean send) throws Exception {
        try (SSLSocket socket = (SSLSocket) host.trustingOnlyTheHostCa().getSocketFactory()
                .createSocket("127.0.0.1", host.httpsPort)) {
            socket.setSoTimeout(60_000);
            String head = "POST /client HTTP/1.1\r\nHost: 127.0.0.1:" + host.httpsPort + "\r\n"
                    + "Content-Type: application/octet-stream\r\nContent-Length: " + length + "\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            if (send) {
                out.write(new byte[length]);
            }
            out.flush();
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
        }
    }

    /**
     * The session cookie is {@code SameSite=Strict}, {@code Secure} and {@code HttpOnly} before and after the sign-in
     * (PayaraDomain sets SameSite on the listeners; WildFly's undertow-handlers.conf, SecurityHeadersIT).
     */
    @Test
    void theConsoleSessionCookieIsSameSiteStrictSecureAndHttpOnly() throws Exception {
        HttpClient cookieless = HttpClient.newBuilder().sslContext(host.trustingOnlyTheHostCa())
                .connectTimeout(Duration.ofSeconds(20)).build();
        HttpResponse<String> first = cookieless.send(HttpRequest.newBuilder(URI.create(console("/console/")))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        String cookie = sessionCookie(first.headers().allValues("Set-Cookie"));
        for (String attribute : List.of("SameSite=Strict", "Secure", "HttpOnly")) {
            assertTrue(cookie.matches("(?i).*;\\s*" + attribute + "(;.*|$)"), attribute + ": " + cookie);
        }
        HttpResponse<String> login = cookieless.send(HttpRequest.newBuilder(URI.create(console("/j_security_check")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", cookie.substring(0, cookie.indexOf(';')))
                .POST(HttpRequest.BodyPublishers.ofString("j_username=admin&j_password="
                        + URLEncoder.encode(started.consolePassword(), StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        String signedIn = login.headers().allValues("Set-Cookie").stream().anyMatch(c -> c.startsWith("JSESSIONID="))
                ? sessionCookie(login.headers().allValues("Set-Cookie")) : cookie;
        assertTrue(signedIn.matches("(?i).*;\\s*SameSite=Strict(;.*|$)"), "the session after sign-in: " + signedIn);
    }

    private static String sessionCookie(List<String> setCookies) {
        return setCookies.stream().filter(c -> c.startsWith("JSESSIONID=")).findFirst()
                .orElseThrow(() -> new AssertionError("no session cookie in " + setCookies));
    }

    /**
     * Grizzly compresses the console's static resources on the HTTPS listener (PayaraDomain; WildFly's gzip filter on
     * Faces resources, PageWeightIT): they come gzipped and decode to themselves; the console's pages, which carry
     * session-bound tokens, do not (no BREACH); the phone page's files, precompressed by the application, come once
     * encoded as they are.
     */
    @Test
    void theConsolesResourcesAreCompressedAndItsPagesAreNot() throws Exception {
        PageLoad page = new PageLoad(host.trustingOnlyTheHostCa(), "https://127.0.0.1:" + host.httpsPort);
        for (String path : PageWeightIT.CONSOLE_RESOURCES) {
            HttpResponse<byte[]> plain = page.get(path, null, Map.of());
            HttpResponse<byte[]> sent = page.get(path, PageLoad.BROWSER_ENCODINGS, Map.of());
            assertEquals(200, sent.statusCode(), path);
            assertEquals(List.of("gzip"), sent.headers().allValues("Content-Encoding"), path + ": "
                    + sent.headers().map());
            assertArrayEquals(plain.body(), PageLoad.decode("gzip", sent.body()), path + ": gzip decodes to it");
        }
        for (String path : List.of("/login.xhtml", "/console/")) {
            HttpResponse<byte[]> response = page.get(path, PageLoad.BROWSER_ENCODINGS, Map.of());
            assertFalse(response.headers().firstValue("Content-Encoding").isPresent(), path + " ("
                    + response.statusCode() + ") is not compressed: " + response.headers().map());
        }
        for (var loaded : page.first(PageLoad.BROWSER_ENCODINGS).entrySet()) {
            String path = loaded.getKey().equals("/client") ? PageLoad.PAGE : loaded.getKey();
            List<String> encodings = loaded.getValue().headers().allValues("Content-Encoding");
            assertTrue(encodings.size() <= 1, path + ": encoded once: " + encodings);
            assertArrayEquals(page.get(path, null, Map.of()).body(), PageLoad.decode(encodings.isEmpty() ? null
                    : encodings.get(0), loaded.getValue().body()), path + ": decodes to the file");
        }
    }

    /**
     * The running domain's pool checks each connection with its driver's query before handing it out, as WildFly's
     * PersonaDS does (the recovery after a full disk without a restart, DiskFullIT on WildFly), read back from the
     * server with asadmin; the health check above gets its connections through it.
     */
    @Test
    void theDatabasePoolValidatesEachConnection() throws Exception {
        Path asadmin = Path.of(Files.readString(host.dataDirectory.resolve("run/payara.asadmin")).trim());
        Path template = asadmin.getParent().getParent().getParent();
        Properties server = new Properties();
        try (var in = Files.newBufferedReader(host.dataDirectory.resolve("run/wildfly.properties"),
                StandardCharsets.ISO_8859_1)) {
            server.load(in);
        }
        Process get = new ProcessBuilder(asadmin.toString(), "--user", "admin", "--passwordfile",
                template.resolve("admin-password").toString(), "--port",
                server.getProperty("jboss.management.http.port"), "get",
                "resources.jdbc-connection-pool.PersonaPool.*").redirectErrorStream(true).start();
        String output = new String(get.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(get.waitFor(120, TimeUnit.SECONDS), "asadmin get returned");
        assertEquals(0, get.exitValue(), output);
        assertTrue(output.contains("PersonaPool.is-connection-validation-required=true"), output);
        assertTrue(output.contains("PersonaPool.connection-validation-method=custom-validation"), output);
        boolean postgres = server.getProperty("persona.db.driver").equals("postgresql");
        assertTrue(output.contains("PersonaPool.validation-classname=org.glassfish.api.jdbc.validation."
                + (postgres ? "PostgresConnectionValidation" : "H2ConnectionValidation")), output);
        assertEquals(postgres, output.contains("PersonaPool.property.stringType=unspecified"), output);
    }

    @Test
    void aPhonePairsWithTheInviteAndHearsAnAnswer() throws Exception {
        PersonaHost.PairingUrl pairing = started.pairingUrl();
        try (JavaPhone phone = new JavaPhone(host, "payara-phone")) {
            long connect = System.nanoTime();
            phone.connect(pairing.hostId());
            Received decision = phone.handshake(pairing.hostId(), pairing.invite());
            assertEquals("admitted", decision.type(), decision.toString());
            measurements.add("phone connected and admitted: " + (System.nanoTime() - connect) / 1_000_000 + " ms");

            long turn = System.nanoTime();
            phone.chat("first", null, "Say hello.");
            phone.expect("accepted", REPLY);
            Turn answered = phone.turnUntilEnd("first", ANSWER);
            assertEquals("done", answered.last().type(), answered.messages().toString());
            assertFalse(answered.ofType("token").isEmpty(), "tokens streamed: " + answered.messages());
            assertFalse(answered.answer().isBlank(), "an answer: " + answered.messages());
            measurements.add("one turn (accepted to done): " + (System.nanoTime() - turn) / 1_000_000 + " ms");
        }
    }
}

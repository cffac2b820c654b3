package dev.persona.it;

import static dev.persona.testkit.Directories.deleteRecursively;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import dev.persona.testkit.PersonaHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A hostile device on the LAN against the console's sign-in and the host's plain-HTTP port (issue 14, findings 4, 6,
 * 7 and the redirect of 13). The requests are written by hand, byte for byte, from chosen loopback source addresses
 * (127.0.0.2 and up play devices on the LAN; the owner sits on 127.0.0.1), so URL forms a normal client would
 * clean up reach the server as an attacker sends them.
 */
class ConsoleHardeningIT {

    private static final String PASSWORD = "hardening-owner-secret-1";
    /** What an error page must never show: stack frames, exception or class names, server names and versions. */
    private static final Pattern INTERNALS = Pattern.compile(
            "(?i)exception|caused by|\\bat [a-z_$][\\w$]*\\.[\\w$.]+\\(|jakarta\\.|javax\\.|io\\.undertow|org\\.jboss"
                    + "|com\\.sun|org\\.glassfish|mojarra|undertow|wildfly|jboss|elytron|primefaces|\\.java:\\d"
                    + "|\\d+\\.\\d+\\.\\d+\\.(final|sp\\d)");

    private static final String MALFORMED = "GET /%zz%%/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            + "Bad Header Line\r\n\r\n";

    private static PersonaHost host;
    private static SSLContext tls;

    @BeforeAll
    static void startHost() throws Exception {
        host = new PersonaHost(Path.of("target/it-data/console-hardening").toAbsolutePath())
                .with("PERSONA_ADMIN_PASSWORD", PASSWORD);
        deleteRecursively(host.dataDirectory);
        host.start();
        tls = host.trustingOnlyTheHostCa();
    }

    @AfterAll
    static void stopHost() throws Exception {
        PersonaHost.tearDown(host).run();
    }

    @Test
    void otherSpellingsOfTheCheckCheckNothingAndWrongPasswordsLockOnlyTheirSource() throws Exception {
        String stranger = "127.0.0.2";
        List<String> spellings = List.of("/%6A_security_check", "/j_security_check;x=1", "/%6a_security_check",
                "/j_security_check;jsessionid=x", "/console/../j_security_check", "/j_security_check/");
        for (String spelling : spellings) {
            assertFalse(signsIn(stranger, PASSWORD, spelling), "the right password to " + spelling
                    + " signs in: a password check the lockout does not see");
        }
        for (String path : spellings) {
            https(stranger, post(path, Map.of(), credentials("guess for " + path)));
        }
        for (int attempt = 1; attempt <= 5; attempt++) {
            https(stranger, post("/j_security_check", Map.of(), credentials("guess " + attempt)));
        }
        assertFalse(signsIn(stranger, PASSWORD, "/j_security_check"), "after 5 wrong passwords the right one is "
                + "refused from that source");
        Response page = https(stranger, get("/console/", Map.of()));
        assertTrue(page.body().contains("login-locked"), "the login page says the source is locked:\n" + page);
        assertTrue(Files.readString(host.dataDirectory.resolve("logs/server.log")).contains(
                "5 failed console logins in a row from 127.0.0.2"), "the lock is logged with its source");

        assertTrue(signsIn("127.0.0.1", PASSWORD, "/j_security_check"), "the owner on 127.0.0.1 still signs in");
    }

    @Test
    void plainHttpChecksNoPasswordWhateverTheMethodOrPathForm() throws Exception {
        String device = "127.0.0.3";
        List<String> forms = List.of("/j_security_check", "/%6A_security_check", "/j_security_check;x=1",
                "/console/j_security_check", "/login.xhtml");
        for (String method : List.of("POST", "PUT")) {
            for (String form : forms) {
                for (String password : List.of(PASSWORD, "wrong password")) {
                    Response answer = http(device, request(method, form, Map.of(
                            "Content-Type", "application/x-www-form-urlencoded"), credentials(password)));
                    assertTrue(answer.status() / 100 == 3 && answer.header("location").startsWith("https://")
                            || answer.status() == 404, method + " " + form + " over plain HTTP:\n" + answer);
                    assertFalse(answer.setsCookie(), "no session over plain HTTP: " + answer);
                    assertFalse(answer.body().contains("j_password"), "no login form over plain HTTP: " + answer);
                }
            }
        }
        Response console = http(device, get("/console/", Map.of()));
        assertTrue(console.status() / 100 == 3 && console.header("location").startsWith("https://"),
                "the console goes to HTTPS: " + console);
        assertFalse(console.body().contains("j_password"), "no login form over plain HTTP: " + console);
        // Nothing was checked, so nothing was counted: the same device still signs in over HTTPS at once.
        assertTrue(signsIn(device, PASSWORD, "/j_security_check"), "the wrong passwords over plain HTTP were not "
                + "counted");
    }

    @Test
    void errorPagesShowNoInternalsOnEitherPort() throws Exception {
        String device = "127.0.0.4";
        List<Response> answers = new ArrayList<>();
        answers.add(https(device, post("/login.xhtml", Map.of(), "jakarta.faces.ViewState=forged%3Aview%3Astate"
                + "&login-form=login-form&jakarta.faces.source=sign-in")));
        answers.add(https(device, get("/no/such/page", Map.of())));
        answers.add(https(device, request("DELETE", "/client", Map.of(), "")));
        answers.add(https(device, MALFORMED));
        answers.add(http(device, request("DELETE", "/ca.crt", Map.of(), "")));
        answers.add(http(device, get("/trust/no/such/page", Map.of())));
        answers.add(http(device, MALFORMED));

        for (Response answer : answers) {
            assertFalse(INTERNALS.matcher(answer.body()).find(), "an error page tells internals:\n" + answer);
        }
        assertTrue(answers.get(0).status() >= 400, answers.get(0).toString());
        assertEquals(404, answers.get(1).status(), answers.get(1).toString());
        assertEquals(405, answers.get(2).status(), answers.get(2).toString());
        assertEquals(400, answers.get(3).status(), answers.get(3).toString());
        assertEquals(405, answers.get(4).status(), answers.get(4).toString());
    }

    @Test
    void theRedirectToHttpsGoesOnlyToTheHostsOwnNames() throws Exception {
        Collection<List<?>> certified = serverCertificate().getSubjectAlternativeNames();
        List<String> ownNames = new ArrayList<>();
        certified.forEach(entry -> ownNames.add(entry.get(1).toString().toLowerCase(Locale.ROOT)));

        Response forged = http("127.0.0.5", get("/client?id=x", Map.of("Host", "evil.example")));
        assertEquals(301, forged.status(), forged.toString());
        URI target = URI.create(forged.header("location"));
        assertTrue(ownNames.contains(target.getHost()), target + " is not one of the certificate's names "
                + ownNames);
        assertEquals(host.httpsPort, target.getPort());
        assertEquals("/client?id=x", target.getRawPath() + "?" + target.getRawQuery());

        for (String forgedHost : List.of("127.0.0.1.evil.example:8080", "[::2]", "localhost@evil.example")) {
            Response answer = http("127.0.0.5", get("/client", Map.of("Host", forgedHost)));
            String location = answer.header("location");
            assertTrue(location.startsWith("https://"), answer.toString());
            assertTrue(ownNames.contains(URI.create(location).getHost()), location + " for Host: " + forgedHost);
        }

        Response kept = http("127.0.0.5", get("/client", Map.of("Host", "localhost:" + host.httpPort)));
        assertEquals("https://localhost:" + host.httpsPort + "/client", kept.header("location"),
                "a name the host owns is kept");
    }

    // --- a client that sends exactly what it is given, from a chosen source address ---

    private record Response(int status, Map<String, List<String>> headers, String body) {

        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? "" : values.get(0);
        }

        boolean setsCookie() {
            return headers.containsKey("set-cookie");
        }

        @Override
        public String toString() {
            return status + " " + headers + "\n" + body;
        }
    }

    /**
     * Signs in the way a browser does (console page, form post to {@code check}, back to the console) and says
     * whether it worked.
     */
    private static boolean signsIn(String source, String password, String check) throws Exception {
        Map<String, String> cookies = new TreeMap<>();
        Response login = https(source, get("/console/", Map.of()));
        keepCookies(login, cookies);
        Response answer = https(source, post(check, withCookies(cookies), credentials(password)));
        for (int hop = 0; hop < 4 && answer.status() / 100 == 3; hop++) {
            keepCookies(answer, cookies);
            URI next = URI.create(answer.header("location"));
            String path = next.getRawPath() + (next.getRawQuery() == null ? "" : "?" + next.getRawQuery());
            answer = https(source, get(path, withCookies(cookies)));
        }
        keepCookies(answer, cookies);
        Response console = https(source, get("/console/", withCookies(cookies)));
        return console.status() == 200 && console.body().contains("stat-tokens");
    }

    private static void keepCookies(Response response, Map<String, String> cookies) {
        for (String cookie : response.headers().getOrDefault("set-cookie", List.of())) {
            String pair = cookie.split(";", 2)[0];
            int equals = pair.indexOf('=');
            cookies.put(pair.substring(0, equals).strip(), pair.substring(equals + 1).strip());
        }
    }

    private static String credentials(String password) {
        return "j_username=admin&j_password=" + java.net.URLEncoder.encode(password, StandardCharsets.UTF_8);
    }

    /** The Cookie header for these cookies, none when there are none. */
    private static Map<String, String> withCookies(Map<String, String> cookies) {
        return cookies.isEmpty() ? Map.of() : Map.of("Cookie", String.join("; ", cookies.entrySet().stream()
                .map(c -> c.getKey() + "=" + c.getValue()).toList()));
    }

    private static String get(String path, Map<String, String> headers) {
        return request("GET", path, headers, null);
    }

    private static String post(String path, Map<String, String> headers, String form) {
        Map<String, String> all = new TreeMap<>(headers);
        all.put("Content-Type", "application/x-www-form-urlencoded");
        return request("POST", path, all, form);
    }

    /** One HTTP/1.1 request on its own connection, with Host: 127.0.0.1 unless given. */
    private static String request(String method, String path, Map<String, String> headers, String body) {
        StringBuilder text = new StringBuilder(method).append(' ').append(path)
                .append(" HTTP/1.1\r\nConnection: close\r\n");
        if (!headers.containsKey("Host")) {
            text.append("Host: 127.0.0.1\r\n");
        }
        headers.forEach((name, value) -> text.append(name).append(": ").append(value).append("\r\n"));
        if (body != null) {
            text.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
        }
        text.append("\r\n");
        if (body != null) {
            text.append(body);
        }
        return text.toString();
    }

    private static Response https(String source, String request) throws IOException {
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket();
        return exchange(socket, source, host.httpsPort, request);
    }

    private static Response http(String source, String request) throws IOException {
        return exchange(new Socket(), source, host.httpPort, request);
    }

    private static Response exchange(Socket socket, String source, int port, String request) throws IOException {
        try (socket) {
            socket.setSoTimeout(60_000);
            socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return parse(text);
        }
    }

    private static Response parse(String text) {
        int end = text.indexOf("\r\n\r\n");
        String head = end < 0 ? text : text.substring(0, end);
        String body = end < 0 ? "" : text.substring(end + 4);
        if (head.toLowerCase(Locale.ROOT).contains("\r\ntransfer-encoding: chunked")) {
            body = unchunked(body);
        }
        String[] lines = head.split("\r\n");
        int status = lines[0].startsWith("HTTP/") ? Integer.parseInt(lines[0].split(" ")[1]) : -1;
        Map<String, List<String>> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        k -> new ArrayList<>()).add(lines[i].substring(colon + 1).strip());
            }
        }
        return new Response(status, headers, body);
    }

    private static String unchunked(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int lineEnd = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].strip(), 16);
            if (size == 0) {
                break;
            }
            byte[] rest = chunked.substring(lineEnd + 2).getBytes(StandardCharsets.UTF_8);
            String chunk = new String(rest, 0, Math.min(size, rest.length), StandardCharsets.UTF_8);
            body.append(chunk);
            at = lineEnd + 2 + chunk.length() + 2;
        }
        return body.toString();
    }

    private static X509Certificate serverCertificate() throws IOException {
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", host.httpsPort)) {
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }
}

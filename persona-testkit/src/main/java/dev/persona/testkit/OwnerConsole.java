package dev.persona.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.CookieManager;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import javax.net.ssl.SSLSocket;

/**
 * The console as its owner reaches it over HTTPS that trusts only the host's CA: {@link #signIn} with the password
 * the first start printed (an HTTP client that keeps the session), and the model upload by hand
 * ({@code PUT /console/models/upload}, HTTP/1.1 on a socket), so that a test decides how much of the body is sent,
 * and when.
 */
public final class OwnerConsole {

    /** The header the console's page sends with an upload, which a cross-site form cannot send. */
    public static final String UPLOAD_GUARD_HEADER = "X-Persona-Upload";

    private final PersonaHost host;
    private final HttpClient http;

    private OwnerConsole(PersonaHost host, HttpClient http) {
        this.host = host;
        this.http = http;
    }

    /** Signs in as the console's owner with {@code password}; the client keeps the session cookie. */
    public static OwnerConsole signIn(PersonaHost host, String password) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(host.trustingOnlyTheHostCa())
                .cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(20)).build();
        OwnerConsole console = new OwnerConsole(host, http);
        String login = http.send(HttpRequest.newBuilder(console.uri("")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        if (!login.contains("j_security_check")) {
            throw new AssertionError("the console asks for a sign-in first: " + login);
        }
        String form = "j_username=admin&j_password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
        HttpResponse<String> signedIn = http.send(HttpRequest.newBuilder(console.signInUri())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (signedIn.body().contains("j_security_check")) {
            throw new AssertionError("not signed in: " + signedIn.body());
        }
        return console;
    }

    /** The signed-in client. */
    public HttpClient http() {
        return http;
    }

    /** {@code JSESSIONID=...}: the session, for requests made by hand. */
    public String sessionCookie() {
        return ((CookieManager) http.cookieHandler().orElseThrow()).getCookieStore().getCookies().stream()
                .filter(cookie -> cookie.getName().equals("JSESSIONID")).findFirst()
                .map(cookie -> cookie.getName() + "=" + cookie.getValue()).orElseThrow();
    }

    /** {@code https://127.0.0.1:<port>/console/<path>}. */
    public URI uri(String path) {
        return URI.create("https://127.0.0.1:" + host.httpsPort + "/console/" + path);
    }

    /** Where the login form posts (docs/console.md: the one path that checks a password). */
    public URI signInUri() {
        return URI.create("https://127.0.0.1:" + host.httpsPort + "/j_security_check");
    }

    /** An upload request of {@code name} as the console's page makes it, to send with {@link #http()}. */
    public HttpRequest.Builder upload(String name) {
        return HttpRequest.newBuilder(uri("models/upload?name=" + name)).timeout(Duration.ofMinutes(5))
                .header(UPLOAD_GUARD_HEADER, "1").header("Content-Type", "application/octet-stream");
    }

    /** A TLS socket to the host's HTTPS port, handshaken, whose reads wait at most {@code timeout}. */
    public static SSLSocket openSocket(PersonaHost host, Duration timeout) throws Exception {
        SSLSocket socket = (SSLSocket) host.trustingOnlyTheHostCa().getSocketFactory()
                .createSocket("127.0.0.1", host.httpsPort);
        socket.setSoTimeout((int) timeout.toMillis());
        socket.startHandshake();
        return socket;
    }

    /** Sends an upload's head with {@code contentLength} and {@code cookie} (null: none), no body yet. */
    public static void sendUploadHead(SSLSocket socket, PersonaHost host, String name, long contentLength,
                                      String cookie) throws IOException {
        String head = "PUT /console/models/upload?name=" + name + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + host.httpsPort + "\r\n"
                + UPLOAD_GUARD_HEADER + ": 1\r\n"
                + "Content-Type: application/octet-stream\r\n"
                + "Content-Length: " + contentLength + "\r\n"
                + (cookie == null ? "" : "Cookie: " + cookie + "\r\n")
                + "\r\n";
        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /**
     * The answer's status line, headers and as much of its body as arrives before the connection ends or the answer
     * pauses for 2 s; fails when nothing arrives within the socket's timeout.
     */
    public static String readAnswer(SSLSocket socket) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        try {
            int read = in.read(buffer);
            while (read > 0) {
                answer.write(buffer, 0, read);
                socket.setSoTimeout(2000);
                read = in.read(buffer);
            }
        } catch (SocketTimeoutException e) {
            if (answer.size() == 0) {
                throw new AssertionError("no answer within the socket's timeout");
            }
        } catch (java.net.SocketException closed) {
            // the host closed the connection: what it sent before is the answer
        }
        return answer.toString(StandardCharsets.UTF_8);
    }
}

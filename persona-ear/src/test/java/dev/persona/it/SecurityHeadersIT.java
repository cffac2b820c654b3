package dev.persona.it;

import dev.persona.testkit.Directories;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.persona.testkit.PersonaHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a hostile page or a sniffing browser meets on the deployed host (issue 14, finding 5 and the CSP of 13): every
 * HTTPS response, console, login, phone page, static files, REST and errors, tells the browser to keep to HTTPS, not
 * to guess content types, not to be framed, and which sources the page may use; the phone page connects only to its
 * own origin; the console's session cookie is {@code SameSite=Strict}; nothing names the server's software.
 */
class SecurityHeadersIT {

    /**
     * Paths a visitor can reach without signing in: console entry, login, phone page, static files, REST, errors;
     * with them the page's script, manifest and icon under the content-hashed names the page gives them.
     */
    private static final List<String> PUBLIC_PATHS = List.of("/", "/console/", "/console/devices.xhtml",
            "/login.xhtml", "/client", "/client?id=k1x&invite=y", "/client.html", "/client-icon-192.png",
            "/client-sw.js", "/jakarta.faces.resource/console.css.xhtml?ln=console", "/peerjs/id",
            "/no-such-page.html", "/no-such-view.xhtml");

    private static PersonaHost host;
    private static String password;
    private static HttpClient https;

    @BeforeAll
    static void startHost() throws Exception {
        host = new PersonaHost(Path.of("target/it-data/security-headers").toAbsolutePath());
        Directories.deleteRecursively(host.dataDirectory);
        password = host.start().consolePassword();
        https = HttpClient.newBuilder().sslContext(host.trustingOnlyTheHostCa())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stopHost() throws Exception {
        PersonaHost.tearDown(host).run();
    }

    @Test
    void everyResponseAVisitorCanReachCarriesTheSecurityHeaders() throws Exception {
        List<String> paths = new ArrayList<>(PUBLIC_PATHS);
        Matcher named = Pattern.compile("(?:src|href)=\"(/client[^\"]*)\"").matcher(get("/client", Optional.empty())
                .body());
        while (named.find()) {
            paths.add(named.group(1));
        }
        assertEquals(3, paths.size() - PUBLIC_PATHS.size(), "the page names its script, manifest and icon: " + paths);
        List<String> missing = new ArrayList<>();
        for (String path : paths) {
            HttpResponse<String> response = get(path, Optional.empty());
            missing.addAll(securityProblems(path + " (" + response.statusCode() + ")", response.headers()));
            HttpResponse<String> compressed = https.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + host.httpsPort + path)).header("Accept-Encoding", "br, gzip")
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            missing.addAll(securityProblems(path + " (" + compressed.statusCode() + ", "
                    + compressed.headers().firstValue("Content-Encoding").orElse("identity") + ")",
                    compressed.headers()));
        }
        assertEquals(List.of(), missing);
    }

    @Test
    void theSignedInConsoleCarriesTheHeadersAndAPolicyWithPrimeFacesNonce() throws Exception {
        String session = signIn();
        for (String path : List.of("/console/", "/console/index.xhtml", "/console/devices.xhtml",
                "/console/models.xhtml", "/console/pairing.xhtml")) {
            HttpResponse<String> response = get(path, Optional.of(session));
            assertEquals(200, response.statusCode(), path);
            assertTrue(response.body().contains("Signed in as"), path + " is the signed-in console: "
                    + response.body());
            assertEquals(List.of(), securityProblems(path, response.headers()));
            String policy = response.headers().firstValue("Content-Security-Policy").orElseThrow();
            Matcher nonce = Pattern.compile("script-src 'self' 'nonce-([^']+)'").matcher(policy);
            assertTrue(nonce.find(), path + ": the console's scripts run by PrimeFaces' nonce: " + policy);
            assertTrue(response.body().contains("nonce=\"" + nonce.group(1) + "\""),
                    path + ": the page's scripts carry the header's nonce");
            assertFalse(Pattern.compile("<script(?![^>]*\\b(src|nonce)=)[^>]*>").matcher(response.body()).find(),
                    path + ": no inline script without the nonce (the policy would block it)");
        }
    }

    @Test
    void theConsoleSessionCookieIsSameSiteStrictSecureAndHttpOnly() throws Exception {
        HttpResponse<String> response = get("/console/", Optional.empty());
        String cookie = sessionCookie(response.headers());
        assertTrue(cookie.matches("(?i).*;\\s*SameSite=Strict(;.*|$)"), cookie);
        assertTrue(cookie.matches("(?i).*;\\s*Secure(;.*|$)"), cookie);
        assertTrue(cookie.matches("(?i).*;\\s*HttpOnly(;.*|$)"), cookie);
        String signedIn = signInCookie();
        assertTrue(signedIn.matches("(?i).*;\\s*SameSite=Strict(;.*|$)"), "the session after sign-in: " + signedIn);
    }

    @Test
    void thePhonePageConnectsOnlyToItsOwnOrigin() throws Exception {
        for (String path : List.of("/client", "/client?id=k1x&invite=y", "/client.html")) {
            HttpResponse<String> response = get(path, Optional.empty());
            assertEquals(200, response.statusCode(), path);
            String policy = response.headers().firstValue("Content-Security-Policy").orElse("(none)");
            assertTrue(directive(policy, "connect-src").equals("connect-src 'self'"),
                    path + ": signaling and relay go to this origin only: " + policy);
            assertTrue(directive(policy, "script-src").equals("script-src 'self'")
                    || directive(policy, "script-src").isEmpty() && directive(policy, "default-src")
                            .equals("default-src 'self'"), path + ": only this origin's scripts: " + policy);
        }
    }

    /** What is wrong with one response's headers, as readable lines; empty when nothing is. */
    static List<String> securityProblems(String what, HttpHeaders headers) {
        List<String> problems = new ArrayList<>();
        String hsts = headers.firstValue("Strict-Transport-Security").orElse("");
        Matcher maxAge = Pattern.compile("max-age=(\\d+)").matcher(hsts);
        if (!maxAge.find() || Long.parseLong(maxAge.group(1)) < 180L * 24 * 3600) {
            problems.add(what + ": Strict-Transport-Security of at least 180 days, is '" + hsts + "'");
        }
        if (!headers.allValues("X-Content-Type-Options").equals(List.of("nosniff"))) {
            problems.add(what + ": X-Content-Type-Options nosniff, is " + headers.allValues("X-Content-Type-Options"));
        }
        if (!headers.allValues("X-Frame-Options").equals(List.of("DENY"))) {
            problems.add(what + ": X-Frame-Options DENY, is " + headers.allValues("X-Frame-Options"));
        }
        List<String> policies = headers.allValues("Content-Security-Policy");
        if (policies.size() != 1) {
            problems.add(what + ": one Content-Security-Policy, is " + policies);
        } else {
            String policy = policies.get(0);
            for (String wanted : List.of("frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'")) {
                if (!directive(policy, wanted.split(" ")[0]).equals(wanted)) {
                    problems.add(what + ": CSP with " + wanted + ", is '" + policy + "'");
                }
            }
            if (!directive(policy, "default-src").equals("default-src 'self'")) {
                problems.add(what + ": CSP with default-src 'self', is '" + policy + "'");
            }
        }
        if (!headers.allValues("Referrer-Policy").equals(List.of("no-referrer"))) {
            problems.add(what + ": Referrer-Policy no-referrer, is " + headers.allValues("Referrer-Policy"));
        }
        if (headers.firstValue("X-Powered-By").isPresent()) {
            problems.add(what + ": no X-Powered-By, is " + headers.allValues("X-Powered-By"));
        }
        headers.firstValue("Server").filter(server -> server.matches(".*\\d.*")).ifPresent(
                server -> problems.add(what + ": no server version, is Server: " + server));
        return problems;
    }

    /** The directive of a policy that starts with the name, whitespace normalised; empty when there is none. */
    static String directive(String policy, String name) {
        for (String directive : policy.split(";")) {
            String normalised = directive.trim().replaceAll("\\s+", " ");
            if (normalised.equals(name) || normalised.startsWith(name + " ")) {
                return normalised;
            }
        }
        return "";
    }

    private static HttpResponse<String> get(String path, Optional<String> session) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + host.httpsPort + path))
                .timeout(Duration.ofSeconds(60));
        session.ifPresent(cookie -> request.header("Cookie", cookie));
        return https.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String sessionCookie(HttpHeaders headers) {
        return headers.allValues("Set-Cookie").stream().filter(cookie -> cookie.startsWith("JSESSIONID="))
                .findFirst().orElseThrow(() -> new AssertionError("no session cookie in " + headers.map()));
    }

    /** The Set-Cookie of the console session after a successful sign-in. */
    private static String signInCookie() throws Exception {
        String before = sessionCookie(get("/console/", Optional.empty()).headers());
        HttpResponse<String> login = https.send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + host.httpsPort + "/j_security_check"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", before.substring(0, before.indexOf(';')))
                .POST(HttpRequest.BodyPublishers.ofString("j_username=admin&j_password="
                        + URLEncoder.encode(password, StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(login.statusCode() == 302 || login.statusCode() == 303,
                "the right password leads back to the console: " + login.statusCode() + " " + login.body());
        return login.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("JSESSIONID="))
                .findFirst().orElse(before);
    }

    /** A signed-in console session, as a Cookie header value. */
    private static String signIn() throws Exception {
        String cookie = signInCookie();
        return cookie.substring(0, cookie.indexOf(';'));
    }
}

package dev.persona.it;

import dev.persona.testkit.Directories;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.persona.signaling.identity.IdProof;
import dev.persona.signaling.identity.KeyId;
import dev.persona.testkit.HeadlessChromium;
import dev.persona.testkit.PersonaHost;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Compatibility with the stock client: two headless Chromium pages, each running the unmodified {@code peerjs@1.5.5}
 * bundle with a key id of its own and a proof token for it, sign in to the signaling of the deployed EAR in WildFly
 * (WSS on the host's HTTPS port), find each other through it (OFFER, ANSWER and CANDIDATE relayed by our server),
 * open a WebRTC data channel and exchange messages both ways, small and chunked. Runs in a network namespace of its
 * own with loopback only (plus 127.0.0.2), so no packet leaves the machine. The pages come from a small HTTP server
 * of the test on 127.0.0.1 (a secure context); screenshots go to target/screenshots.
 */
@Tag("loopback-network")
class PeerJsBrowserIT {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Path SCREENSHOTS = Path.of("target/screenshots");
    /** Read from the source tree: the ear packaging copies no test resources. */
    private static final Path PAGE = PersonaHost.REPOSITORY
            .resolve("persona-ear/src/test/resources/peerjs-pair/pair.html");
    private static PersonaHost host;
    private static HttpServer pages;
    private static final List<ChromeDriver> browsers = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        host = new PersonaHost(Path.of("target/it-data/peerjs-browser").toAbsolutePath());
        Directories.deleteRecursively(host.dataDirectory);
        host.start();
        byte[] bundle = Files.readAllBytes(TestNpmPackages.module("peerjs", "1.5.5")
                .resolve("dist/peerjs.min.js"));
        byte[] page = Files.readAllBytes(PAGE);
        pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        pages.createContext("/pair.html", exchange -> serve(exchange, "text/html; charset=utf-8", page));
        pages.createContext("/peerjs.min.js", exchange -> serve(exchange, "text/javascript", bundle));
        pages.setExecutor(Executors.newSingleThreadExecutor());
        pages.start();
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() throws Exception {
        browsers.forEach(ChromeDriver::quit);
        if (pages != null) {
            pages.stop(0);
        }
        if (host != null) {
            host.stop();
        }
    }

    private static void serve(HttpExchange exchange, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(200, body.length);
        try (var out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** A page with a fresh key pair: its key id and a proof token for our server's origin, made here. */
    private static Page openPage(String name) throws Exception {
        Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(RANDOM);
        KeyId id = KeyId.of(key.generatePublicKey().getEncoded());
        String token = IdProof.sign(key, "https://127.0.0.1:" + host.httpsPort, Instant.now().getEpochSecond(),
                IdProof.newNonce(RANDOM)).token();
        String pageOrigin = "http://127.0.0.1:" + pages.getAddress().getPort();
        ChromeDriver browser = HeadlessChromium.start(host, name, pageOrigin);
        browsers.add(browser);
        browser.get(pageOrigin + "/pair.html#id=" + id + "&host=127.0.0.1&port=" + host.httpsPort + "&token="
                + URLEncoder.encode(token, StandardCharsets.UTF_8));
        Page page = new Page(name, id.toString(), browser);
        page.await("open " + id, Duration.ofSeconds(60));
        return page;
    }

    private record Page(String name, String id, ChromeDriver browser) {

        @SuppressWarnings("unchecked")
        List<String> events() {
            return (List<String>) browser.executeScript("return window.events.slice();");
        }

        void await(String event, Duration timeout) {
            try {
                new WebDriverWait(browser, timeout).pollingEvery(Duration.ofMillis(50))
                        .until(d -> events().contains(event));
            } catch (TimeoutException e) {
                throw new AssertionError("Page " + name + " did not see '" + event + "' within " + timeout
                        + "; its events: " + events() + "\nServer log:\n" + host.serverLogTail(), e);
            }
        }

        void screenshot(String file) throws IOException {
            Files.write(SCREENSHOTS.resolve(file + ".png"), browser.getScreenshotAs(OutputType.BYTES));
        }
    }

    @Test
    void twoStockPeerjsClientsFindEachOtherThroughOurServerAndExchangeDataBothWays() throws Exception {
        Page alice = openPage("alice");
        Page bob = openPage("bob");

        bob.browser().executeScript("window.connectTo(arguments[0]);", alice.id());
        // Alice learns Bob's id from the OFFER's src, which our server sets to Bob's proven id.
        alice.await("channel-open " + bob.id(), Duration.ofSeconds(60));
        bob.await("channel-open " + alice.id(), Duration.ofSeconds(60));

        bob.browser().executeScript("window.sendData('hello from bob');");
        alice.await("data " + bob.id() + " \"hello from bob\"", Duration.ofSeconds(30));
        alice.browser().executeScript("window.sendData({reply: 'hello from alice', n: 2});");
        bob.await("data " + alice.id() + " {\"reply\":\"hello from alice\",\"n\":2}", Duration.ofSeconds(30));

        // Larger than peerjs's 16 300-byte chunks: arrives in pieces over the channel, whole at the other end.
        String large = "0123456789abcdef".repeat(4096);
        alice.browser().executeScript("window.sendData(arguments[0]);", large);
        bob.await("data " + alice.id() + " \"" + large + "\"", Duration.ofSeconds(60));
        alice.screenshot("peerjs-pair-alice");
        bob.screenshot("peerjs-pair-bob");

        for (Page page : List.of(alice, bob)) {
            List<String> problems = page.events().stream().filter(e -> e.contains("error"))
                    .collect(Collectors.toList());
            assertEquals(List.of(), problems, "no errors on page " + page.name());
        }
        assertTrue(alice.events().indexOf("open " + alice.id()) < alice.events().indexOf("channel-open " + bob.id()));
    }
}

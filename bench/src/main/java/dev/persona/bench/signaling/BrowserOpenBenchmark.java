package dev.persona.bench.signaling;

import static dev.persona.testkit.Directories.deleteRecursively;

import dev.persona.bench.BenchmarkMain;
import dev.persona.bench.BenchmarkResult;
import dev.persona.bench.Samples;
import dev.persona.signaling.identity.IdProof;
import dev.persona.signaling.identity.KeyId;
import dev.persona.testkit.HeadlessChromium;
import dev.persona.testkit.PersonaHost;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;

/**
 * Issue 13's "{@code new Peer} → open in Chromium ≤ 60 ms p50": the stock {@code peerjs@1.5.5} bundle in headless
 * Chromium (the test kit's {@link HeadlessChromium}) makes a Peer with a key id and a fresh proof token for the host's
 * HTTPS origin, as the phone page does, against the host as {@code ./persona start --background} deploys it
 * ({@code wss://} on its HTTPS port), and against {@code peer@1.0.2} over {@code wss://} as the baseline, which gets
 * the host's own server key and certificate (RSA, so the TLS handshake costs both servers the same and the browser
 * trusts both alike). A fresh page for every run (about:blank between), sides alternating, one uncounted warm-up run
 * each first; the page (bench/src/main/node/peerjs-open.html, from a plain HTTP server of the benchmark on
 * 127.0.0.1, a secure context) times {@code new Peer} → "open" with performance.now() and splits it at the
 * WebSocket's creation, its "open" (TCP, TLS, the upgrade: the proof is checked during the upgrade) and the
 * server's first message (OPEN).
 *
 * <p>Settings (system properties): {@code bench.repository}, {@code bench.open.runs} (20 per side),
 * {@code bench.node}, the host's ports {@code persona.it.*.port}.
 */
public final class BrowserOpenBenchmark {

    private final Path repository = Path.of(System.getProperty("bench.repository", ".")).toAbsolutePath().normalize();
    private final Path work = repository.resolve("bench/work/browser-open");
    private final Path results = repository.resolve("bench/results");
    private final int runs = Integer.getInteger("bench.open.runs", 20);
    private final SecureRandom random = new SecureRandom();
    private final List<Double> loadAverages = new ArrayList<>();

    /** One page's figures, ms from {@code new Peer}: socket made, socket open, first message, Peer open. */
    private record Open(double socket, double socketOpen, double firstMessage, double open) {
    }

    public static void main(String[] args) throws Exception {
        BenchmarkMain.run("browser open", new BrowserOpenBenchmark()::run);
    }

    private void run() throws Exception {
        Files.createDirectories(work);
        Path data = work.resolve("host");
        deleteRecursively(data);
        PersonaHost host = new PersonaHost(data);
        Path bundle = repository.resolve("persona-ear/src/test/npm/node_modules/peerjs/dist/peerjs.min.js");
        String version = Files.readString(bundle.getParent().getParent().resolve("package.json"));
        if (!version.contains("\"version\": \"1.5.5\"")) {
            throw new IllegalStateException(bundle + " is not peerjs 1.5.5: run 'npm ci' in persona-ear/src/test/npm");
        }
        Path peerModule = repository.resolve("bench/work/peer/node_modules/peer");
        if (!Files.isDirectory(peerModule)) {
            throw new IllegalStateException(peerModule + " is missing; bench/run installs peer@1.0.2 there");
        }
        host.start();
        HttpServer pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] page = Files.readAllBytes(repository.resolve("bench/src/main/node/peerjs-open.html"));
        byte[] script = Files.readAllBytes(bundle);
        pages.createContext("/open.html", exchange -> serve(exchange, "text/html; charset=utf-8", page));
        pages.createContext("/peerjs.min.js", exchange -> serve(exchange, "text/javascript", script));
        pages.setExecutor(Executors.newSingleThreadExecutor());
        pages.start();
        String pageOrigin = "http://127.0.0.1:" + pages.getAddress().getPort();
        Path[] pem = hostKeyAndCertificate(host);
        ChromeDriver browser = null;
        try (ServerProcess peer = ServerProcess.peerOverTls(Path.of(System.getProperty("bench.node", "node")),
                repository.resolve("bench/src/main/node/peer-server.cjs"), peerModule, pem[0], pem[1], 0,
                work.resolve("peer-wss.log"))) {
            browser = HeadlessChromium.start(host, "open", 800, 600, null);
            Map<DeployedSide, Integer> ports = Map.of(DeployedSide.PERSONA, host.httpsPort, DeployedSide.PEER,
                    peer.port);
            Map<DeployedSide, List<Open>> opens = new EnumMap<>(DeployedSide.class);
            for (int run = 0; run <= runs; run++) {
                loadAverages.add(DeployedSignalingBenchmark.loadAverage());
                List<DeployedSide> order = DeployedSide.order(run % 2 == 0);
                for (DeployedSide side : order) {
                    Open open = open(browser, pageOrigin, host.httpsPort, ports.get(side));
                    System.out.printf(Locale.ROOT, "%-34s %s: new Peer -> open %.1f ms (socket made %.1f, open "
                                    + "%.1f, first message %.1f)%n", side.label, run == 0 ? "warm-up" : "run " + run,
                            open.open(), open.socket(), open.socketOpen(), open.firstMessage());
                    if (run > 0) {
                        opens.computeIfAbsent(side, s -> new ArrayList<>()).add(open);
                    }
                }
            }
            report(opens.get(DeployedSide.PERSONA), opens.get(DeployedSide.PEER));
        } finally {
            if (browser != null) {
                browser.quit();
            }
            pages.stop(0);
            host.stop();
        }
    }

    /** A fresh page with a fresh key id and proof for the host's origin; its figures once its Peer is open. */
    private Open open(ChromeDriver browser, String pageOrigin, int hostPort, int port) {
        Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(random);
        KeyId id = KeyId.of(key.generatePublicKey().getEncoded());
        String token = IdProof.sign(key, "https://127.0.0.1:" + hostPort, Instant.now().getEpochSecond(),
                IdProof.newNonce(random)).token();
        browser.get("about:blank");
        browser.get(pageOrigin + "/open.html#id=" + id + "&host=127.0.0.1&port=" + port + "&token="
                + URLEncoder.encode(token, StandardCharsets.UTF_8));
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) new WebDriverWait(browser, Duration.ofSeconds(30))
                .pollingEvery(Duration.ofMillis(20)).until(d -> browser.executeScript("return window.result;"));
        if (result.containsKey("error")) {
            throw new IllegalStateException("peerjs on port " + port + ": " + result.get("error"));
        }
        return new Open(number(result, "socket"), number(result, "socketOpen"), number(result, "firstMessage"),
                number(result, "open"));
    }

    private static double number(Map<String, Object> result, String name) {
        Object value = result.get(name);
        return value instanceof Number number ? number.doubleValue() : Double.NaN;
    }

    private static void serve(HttpExchange exchange, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(200, body.length);
        try (var out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** The host's server key (PKCS#8) and certificate chain as PEM files, for peer's https server. */
    private Path[] hostKeyAndCertificate(PersonaHost host) throws Exception {
        Properties secrets = new Properties();
        secrets.load(new StringReader(Files.readString(host.dataDirectory.resolve("tls/secrets.properties"))));
        char[] password = secrets.getProperty("server.password").toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(host.dataDirectory.resolve("tls/server.p12"))) {
            store.load(in, password);
        }
        Key key = store.getKey("persona", password);
        StringBuilder chain = new StringBuilder();
        for (Certificate certificate : store.getCertificateChain("persona")) {
            chain.append(pem("CERTIFICATE", certificate.getEncoded()));
        }
        Path keyFile = work.resolve("host-key.pem");
        Path certificateFile = work.resolve("host-cert.pem");
        Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
        Files.writeString(certificateFile, chain);
        return new Path[] {keyFile, certificateFile};
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static String round(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static Samples samples(List<Open> opens, java.util.function.ToDoubleFunction<Open> figure) {
        return Samples.of(opens.stream().mapToDouble(figure).toArray());
    }

    private void report(List<Open> ours, List<Open> peer) throws Exception {
        Samples oursOpen = samples(ours, Open::open);
        Samples peerOpen = samples(peer, Open::open);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("ours_p90_ms", oursOpen.percentile(90));
        details.put("baseline_p90_ms", peerOpen.percentile(90));
        details.put("ours_socket_made_ms_p50", samples(ours, Open::socket).median());
        details.put("baseline_socket_made_ms_p50", samples(peer, Open::socket).median());
        details.put("ours_socket_open_ms_p50", samples(ours, Open::socketOpen).median());
        details.put("baseline_socket_open_ms_p50", samples(peer, Open::socketOpen).median());
        details.put("ours_first_message_ms_p50", samples(ours, Open::firstMessage).median());
        details.put("baseline_first_message_ms_p50", samples(peer, Open::firstMessage).median());
        details.put("ours_runs", ours.stream().map(open -> round(open.open())).toList().toString());
        details.put("baseline_runs", peer.stream().map(open -> round(open.open())).toList().toString());
        details.put("load_average_1min", loadAverages.stream().map(BrowserOpenBenchmark::round).toList().toString());
        details.put("notes", "Stock peerjs@1.5.5 (its dist/peerjs.min.js) in headless Chromium, a fresh page per "
                + "run (about:blank between; one browser, so Chromium may resume a TLS session it has), a fresh "
                + "Ed25519 key id and proof token for the host's HTTPS origin per run, made by the benchmark as the "
                + "phone page makes them. Ours: the host as ./persona start --background deploys it (EAR in "
                + "WildFly, wss:// on its HTTPS port, shipped settings); baseline: peer@1.0.2's PeerServer in node "
                + "over wss with the host's own RSA server key and certificate. " + runs + " runs per side after "
                + "one warm-up each, sides alternating. Timed in the page with performance.now() from new Peer to "
                + "its open event; socket_made / socket_open / first_message: when peerjs made its WebSocket, when "
                + "that was open (TCP, TLS, HTTP upgrade with the proof check) and when the server's first "
                + "message (OPEN) arrived, ms from new Peer.");
        new BenchmarkResult("signaling-browser-open-ms", "stock peerjs in Chromium: new Peer -> open over wss, ms "
                + "p50 (deployed host)", oursOpen.median(), peerOpen.median(), "ours <= 60 ms",
                oursOpen.median() <= 60, runs, "How soon a phone's signaling is open after the page makes its "
                + "Peer, against peer@1.0.2 in the same browser.", details).write(results);
    }
}

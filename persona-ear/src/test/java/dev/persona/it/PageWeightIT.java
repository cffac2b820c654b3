package dev.persona.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import org.brotli.dec.BrotliInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The phone page on the wire (issue 13, "Pages on the wire"), from the deployed host over HTTPS: the page and what it
 * loads before it is ready (its script, manifest, icon and service worker) come brotli- or gzip-compressed as the
 * client accepts, and as they are to a client that accepts neither; the content-hashed files may be cached a year,
 * the page and the service worker are revalidated (a 304 when unchanged). First load ≤ 60 KB, repeat load ≤ 5 KB.
 * <p>
 * Bytes transferred are counted over HTTP/1.1: the body as sent plus the status line and headers as HTTP/1.1 writes
 * them (a browser over HTTP/2 sends fewer, compressed headers; TLS framing is not counted).
 */
class PageWeightIT {

    static final int FIRST_LOAD_BUDGET = 60 * 1024;
    static final int REPEAT_LOAD_BUDGET = 5 * 1024;
    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    private static final String BROWSER_ENCODINGS = "br, gzip";

    private static PersonaHost host;
    private static HttpClient https;

    @BeforeAll
    static void startHost() throws Exception {
        host = new PersonaHost(Path.of("target/it-data/page-weight").toAbsolutePath());
        HostFoundationIT.deleteRecursively(host.dataDirectory);
        host.start();
        https = HttpClient.newBuilder().sslContext(host.trustingOnlyTheHostCa()).version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stopHost() throws Exception {
        if (host != null) {
            host.stop();
        }
    }

    @Test
    void theFirstLoadIsCompressedAndWithinItsBudget() throws Exception {
        Map<String, HttpResponse<byte[]>> load = firstLoad(BROWSER_ENCODINGS);
        long total = 0;
        StringBuilder sizes = new StringBuilder();
        for (var entry : load.entrySet()) {
            long bytes = transferred(entry.getValue());
            total += bytes;
            sizes.append(entry.getKey()).append(' ').append(bytes).append(" B ")
                    .append(entry.getValue().headers().firstValue("Content-Encoding").orElse("identity")).append("; ");
        }
        System.out.println("[measure] phone page first load on the wire (Accept-Encoding: " + BROWSER_ENCODINGS
                + "): " + sizes + "total " + total + " B");
        assertTrue(total <= FIRST_LOAD_BUDGET, "first load " + total + " B > " + FIRST_LOAD_BUDGET + " B: " + sizes);

        List<String> problems = new ArrayList<>();
        for (var entry : load.entrySet()) {
            String path = entry.getKey();
            HttpResponse<byte[]> response = entry.getValue();
            HttpResponse<byte[]> plain = get(path, null, null);
            HttpHeaders headers = response.headers();
            if (response.statusCode() != 200 || plain.statusCode() != 200) {
                problems.add(path + ": " + response.statusCode() + " / plain " + plain.statusCode());
                continue;
            }
            if (!headers.firstValue("Content-Encoding").equals(java.util.Optional.of("br"))) {
                problems.add(path + ": Content-Encoding br, is " + headers.allValues("Content-Encoding"));
                continue;
            }
            assertArrayEquals(plain.body(), decode("br", response.body()), path + ": brotli decodes to the file");
            if (!varies(headers)) {
                problems.add(path + ": Vary: Accept-Encoding, is " + headers.allValues("Vary"));
            }
            if (!headers.allValues("Content-Type").equals(plain.headers().allValues("Content-Type"))) {
                problems.add(path + ": the file's Content-Type " + plain.headers().allValues("Content-Type")
                        + ", is " + headers.allValues("Content-Type"));
            }
            if (headers.firstValue("Content-Length").map(Long::parseLong).orElse(-1L) != response.body().length) {
                problems.add(path + ": Content-Length of the compressed body, is "
                        + headers.allValues("Content-Length"));
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void hashedFilesAreImmutableAndThePageIsRevalidatedSoARepeatLoadIsSmall() throws Exception {
        Map<String, HttpResponse<byte[]>> first = firstLoad(BROWSER_ENCODINGS);
        long total = 0;
        StringBuilder sizes = new StringBuilder();
        for (var entry : first.entrySet()) {
            String path = entry.getKey();
            HttpHeaders headers = entry.getValue().headers();
            String cache = headers.firstValue("Cache-Control").orElse("(none)");
            if (path.equals("/client") || path.equals("/client-sw.js")) {
                assertEquals("no-cache", cache, path + " is revalidated before each use");
                String etag = headers.firstValue("ETag").orElse(null);
                String modified = headers.firstValue("Last-Modified").orElse(null);
                assertTrue(etag != null || modified != null, path + " has a validator: " + headers.map());
                HttpResponse<byte[]> again = https.send(request(path, BROWSER_ENCODINGS, etag, modified),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(304, again.statusCode(), path + " unchanged is a 304");
                assertEquals(0, again.body().length, path);
                total += transferred(again);
                sizes.append(path).append(' ').append(transferred(again)).append(" B 304; ");
            } else {
                assertTrue(path.matches("/client[a-z-]*\\.[0-9A-Za-z]{8,}\\.[a-z]+"),
                        path + " is named by its content's hash");
                assertEquals(IMMUTABLE, cache, path + " may be cached a year without asking");
                sizes.append(path).append(" 0 B (immutable, cached); ");
            }
        }
        System.out.println("[measure] phone page repeat load on the wire: " + sizes + "total " + total + " B");
        assertTrue(total <= REPEAT_LOAD_BUDGET, "repeat load " + total + " B: " + sizes);
    }

    @Test
    void aClientThatAcceptsNoCompressionGetsTheFilesAsTheyAreAndGzipIsDecodedToThem() throws Exception {
        Map<String, HttpResponse<byte[]>> plain = firstLoad(null);
        for (var entry : plain.entrySet()) {
            String path = entry.getKey();
            HttpResponse<byte[]> response = entry.getValue();
            assertEquals(200, response.statusCode(), path);
            assertFalse(response.headers().firstValue("Content-Encoding").isPresent(), path + ": "
                    + response.headers().map());
            assertTrue(varies(response.headers()), path + " varies by Accept-Encoding: " + response.headers().map());
            HttpResponse<byte[]> refused = get(path, "br;q=0, gzip;q=0, identity", null);
            assertFalse(refused.headers().firstValue("Content-Encoding").isPresent(), path + " with q=0");
            assertArrayEquals(response.body(), refused.body(), path);
            HttpResponse<byte[]> gzip = get(path, "gzip, deflate", null);
            assertEquals(List.of("gzip"), gzip.headers().allValues("Content-Encoding"), path);
            assertArrayEquals(response.body(), decode("gzip", gzip.body()), path + ": gzip decodes to the file");
        }
        assertTrue(new String(plain.get("/client").body(), StandardCharsets.UTF_8).contains("<title>Persona</title>"));
    }

    /** The page and each file it loads before it is ready, in order, as asked with these encodings. */
    private static Map<String, HttpResponse<byte[]>> firstLoad(String acceptEncoding) throws Exception {
        Map<String, HttpResponse<byte[]>> load = new LinkedHashMap<>();
        HttpResponse<byte[]> page = get("/client?id=k1x&invite=y", acceptEncoding, null);
        assertEquals(200, page.statusCode(), "the page");
        load.put("/client", page);
        String html = new String(decode(page.headers().firstValue("Content-Encoding").orElse(null), page.body()),
                StandardCharsets.UTF_8);
        Matcher loaded = Pattern.compile("<(?:script|link)\\b[^>]*\\b(?:src|href)=\"(/[^\"]+)\"").matcher(html);
        while (loaded.find()) {
            load.put(loaded.group(1), get(loaded.group(1), acceptEncoding, null));
        }
        assertTrue(load.size() >= 4, "the page loads its script, manifest and icon: " + load.keySet());
        load.put("/client-sw.js", get("/client-sw.js", acceptEncoding, null));
        return load;
    }

    private static HttpResponse<byte[]> get(String path, String acceptEncoding, String etag) throws Exception {
        return https.send(request(path, acceptEncoding, etag, null), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpRequest request(String path, String acceptEncoding, String etag, String modified) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + host.httpsPort + path))
                .timeout(Duration.ofSeconds(60));
        if (acceptEncoding != null) {
            request.header("Accept-Encoding", acceptEncoding);
        }
        if (etag != null) {
            request.header("If-None-Match", etag);
        } else if (modified != null) {
            request.header("If-Modified-Since", modified);
        }
        return request.build();
    }

    private static boolean varies(HttpHeaders headers) {
        return headers.allValues("Vary").stream().flatMap(vary -> List.of(vary.split(",")).stream())
                .anyMatch(name -> name.trim().equalsIgnoreCase("Accept-Encoding"));
    }

    /** Status line, headers and body as HTTP/1.1 sent them. */
    static long transferred(HttpResponse<byte[]> response) {
        long bytes = "HTTP/1.1 200 OK\r\n\r\n".length() + response.body().length;
        for (var header : response.headers().map().entrySet()) {
            for (String value : header.getValue()) {
                bytes += header.getKey().length() + 2 + value.getBytes(StandardCharsets.UTF_8).length + 2;
            }
        }
        return bytes;
    }

    static byte[] decode(String encoding, byte[] body) throws IOException {
        if (encoding == null) {
            return body;
        }
        try (InputStream in = switch (encoding) {
            case "br" -> new BrotliInputStream(new ByteArrayInputStream(body));
            case "gzip" -> new GZIPInputStream(new ByteArrayInputStream(body));
            default -> throw new AssertionError("unexpected Content-Encoding " + encoding);
        }) {
            return in.readAllBytes();
        }
    }
}

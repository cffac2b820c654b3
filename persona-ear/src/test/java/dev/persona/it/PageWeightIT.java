package dev.persona.it;

import dev.persona.testkit.Directories;
import static dev.persona.testkit.PageLoad.BROWSER_ENCODINGS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.persona.testkit.PageLoad;
import dev.persona.testkit.PersonaHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The phone page on the wire (issue 13, "Pages on the wire"), from the deployed host over HTTPS: the page and what it
 * loads before it is ready (its script, manifest, icon and service worker) come brotli- or gzip-compressed as the
 * client accepts, and as they are to a client that accepts neither; the content-hashed files may be cached a year,
 * the page and the service worker are revalidated (a 304 when unchanged). First load ≤ 60 KB, repeat load ≤ 5 KB,
 * counted as {@link PageLoad} does.
 */
class PageWeightIT {

    static final long FIRST_LOAD_BUDGET = 60 * 1024;
    static final long REPEAT_LOAD_BUDGET = 5 * 1024;
    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    /** The console's own stylesheet and the largest PrimeFaces files its pages load. */
    static final List<String> CONSOLE_RESOURCES = List.of("/jakarta.faces.resource/console.css.xhtml?ln=console",
            "/jakarta.faces.resource/components.js.xhtml?ln=primefaces",
            "/jakarta.faces.resource/components.css.xhtml?ln=primefaces",
            "/jakarta.faces.resource/jquery/jquery.js.xhtml?ln=primefaces");

    private static PersonaHost host;
    private static PageLoad page;

    @BeforeAll
    static void startHost() throws Exception {
        host = new PersonaHost(Path.of("target/it-data/page-weight").toAbsolutePath());
        Directories.deleteRecursively(host.dataDirectory);
        host.start();
        page = new PageLoad(host.trustingOnlyTheHostCa(), "https://127.0.0.1:" + host.httpsPort);
    }

    @AfterAll
    static void stopHost() throws Exception {
        PersonaHost.tearDown(host).run();
    }

    @Test
    void theFirstLoadIsCompressedAndWithinItsBudget() throws Exception {
        Map<String, HttpResponse<byte[]>> load = page.first(BROWSER_ENCODINGS);
        System.out.println("[measure] phone page first load on the wire (Accept-Encoding: " + BROWSER_ENCODINGS
                + "): " + PageLoad.describe(load));
        assertTrue(PageLoad.transferred(load) <= FIRST_LOAD_BUDGET, "first load over " + FIRST_LOAD_BUDGET + " B: "
                + PageLoad.describe(load));
        assertTrue(load.size() >= 5, "the page loads its script, manifest and icon: " + load.keySet());

        List<String> problems = new ArrayList<>();
        for (var entry : load.entrySet()) {
            String path = entry.getKey();
            HttpResponse<byte[]> response = entry.getValue();
            HttpResponse<byte[]> plain = page.get(path.equals("/client") ? PageLoad.PAGE : path, null, Map.of());
            HttpHeaders headers = response.headers();
            if (response.statusCode() != 200 || plain.statusCode() != 200) {
                problems.add(path + ": " + response.statusCode() + " / plain " + plain.statusCode());
                continue;
            }
            if (!headers.firstValue("Content-Encoding").equals(Optional.of("br"))) {
                problems.add(path + ": Content-Encoding br, is " + headers.allValues("Content-Encoding"));
                continue;
            }
            assertArrayEquals(plain.body(), PageLoad.decode("br", response.body()), path + ": brotli decodes to the file");
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
        Map<String, HttpResponse<byte[]>> first = page.first(BROWSER_ENCODINGS);
        for (var entry : first.entrySet()) {
            String path = entry.getKey();
            String cache = entry.getValue().headers().firstValue("Cache-Control").orElse("(none)");
            if (path.equals("/client") || path.equals("/client-sw.js")) {
                assertEquals("no-cache", cache, path + " is revalidated before each use");
            } else {
                assertTrue(path.matches("/client[a-z-]*\\.[0-9A-Za-z]{8,}\\.[a-z]+"),
                        path + " is named by its content's hash");
                assertEquals(IMMUTABLE, cache, path + " may be cached a year without asking");
            }
        }
        Map<String, HttpResponse<byte[]>> repeat = page.repeat(first, BROWSER_ENCODINGS);
        System.out.println("[measure] phone page repeat load on the wire: " + PageLoad.describe(repeat));
        assertEquals(List.of("/client", "/client-sw.js"), List.copyOf(repeat.keySet()),
                "only the page and the service worker are asked again");
        for (var entry : repeat.entrySet()) {
            assertEquals(304, entry.getValue().statusCode(), entry.getKey() + " unchanged is a 304 (validators: "
                    + first.get(entry.getKey()).headers().map() + ")");
        }
        assertTrue(PageLoad.transferred(repeat) <= REPEAT_LOAD_BUDGET, "repeat load over " + REPEAT_LOAD_BUDGET
                + " B: " + PageLoad.describe(repeat));
    }

    @Test
    void aClientThatAcceptsNoCompressionGetsTheFilesAsTheyAreAndGzipIsDecodedToThem() throws Exception {
        Map<String, HttpResponse<byte[]>> plain = page.first(null);
        assertTrue(new String(plain.get("/client").body(), StandardCharsets.UTF_8).contains("<title>Persona</title>"));
        for (var entry : plain.entrySet()) {
            String path = entry.getKey().equals("/client") ? PageLoad.PAGE : entry.getKey();
            HttpResponse<byte[]> response = entry.getValue();
            assertEquals(200, response.statusCode(), path);
            assertFalse(response.headers().firstValue("Content-Encoding").isPresent(), path + ": "
                    + response.headers().map());
            assertTrue(varies(response.headers()), path + " varies by Accept-Encoding: " + response.headers().map());
            HttpResponse<byte[]> refused = page.get(path, "br;q=0, gzip;q=0, identity", Map.of());
            assertTrue(refused.headers().allValues("Content-Encoding").stream().allMatch("identity"::equals),
                    path + " with q=0 (WildFly's encoding handler names identity when the client does): "
                    + refused.headers().map());
            assertArrayEquals(response.body(), refused.body(), path);
            HttpResponse<byte[]> gzip = page.get(path, "gzip, deflate", Map.of());
            assertEquals(List.of("gzip"), gzip.headers().allValues("Content-Encoding"), path);
            assertArrayEquals(response.body(), PageLoad.decode("gzip", gzip.body()), path + ": gzip decodes to it");
        }
    }

    /**
     * The console's static resources (Faces serves them, so they are compressed on the fly; persona.cli) come gzipped;
     * its pages, which carry session-bound tokens, do not (no BREACH).
     */
    @Test
    void theConsolesResourcesAreCompressedAndItsPagesAreNot() throws Exception {
        long plainBytes = 0;
        long sentBytes = 0;
        for (String path : CONSOLE_RESOURCES) {
            HttpResponse<byte[]> plain = page.get(path, null, Map.of());
            HttpResponse<byte[]> sent = page.get(path, BROWSER_ENCODINGS, Map.of());
            assertEquals(200, plain.statusCode(), path);
            assertEquals(200, sent.statusCode(), path);
            assertEquals(List.of("gzip"), sent.headers().allValues("Content-Encoding"), path + ": " + sent.headers()
                    .map());
            assertArrayEquals(plain.body(), PageLoad.decode("gzip", sent.body()), path + ": gzip decodes to it");
            assertTrue(varies(sent.headers()), path + " varies by Accept-Encoding: " + sent.headers().map());
            plainBytes += PageLoad.transferred(plain);
            sentBytes += PageLoad.transferred(sent);
        }
        System.out.println("[measure] console resources " + CONSOLE_RESOURCES + ": " + plainBytes + " B plain, "
                + sentBytes + " B with Accept-Encoding: " + BROWSER_ENCODINGS);
        for (String path : List.of("/login.xhtml", "/console/")) {
            HttpResponse<byte[]> response = page.get(path, BROWSER_ENCODINGS, Map.of());
            assertFalse(response.headers().firstValue("Content-Encoding").isPresent(), path + " ("
                    + response.statusCode() + ") is not compressed: " + response.headers().map());
        }
    }

    private static boolean varies(HttpHeaders headers) {
        return headers.allValues("Vary").stream().flatMap(vary -> List.of(vary.split(",")).stream())
                .anyMatch(name -> name.trim().equalsIgnoreCase("Accept-Encoding"));
    }
}

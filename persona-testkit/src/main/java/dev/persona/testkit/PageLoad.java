package dev.persona.testkit;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import javax.net.ssl.SSLContext;

import org.brotli.dec.BrotliInputStream;

/**
 * The phone page's loads as a browser makes them, over HTTPS from a running host, with the bytes each one put on the
 * wire (PageWeightIT checks them, the chat benchmark reports them). Over HTTP/1.1, so that the count is the body as
 * sent plus the status line and headers as HTTP/1.1 writes them; a browser over HTTP/2 sends fewer, compressed
 * headers, and TLS framing is not counted.
 */
public final class PageLoad {

    /** What a browser asks for. */
    public static final String BROWSER_ENCODINGS = "br, gzip";
    /** The page's address in the QR code, with a made-up host key id and invite. */
    public static final String PAGE = "/client?id=k1x&invite=y";
    private static final Pattern LOADED = Pattern.compile("<(?:script|link)\\b[^>]*\\b(?:src|href)=\"(/[^\"]+)\"");

    private final HttpClient https;
    private final String origin;

    public PageLoad(SSLContext tls, String origin) {
        this.https = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
        this.origin = origin;
    }

    /**
     * The page (under {@code /client}) and each file it loads before it is ready: what its {@code <script>} and
     * {@code <link>} elements name, then the service worker it registers; asked with this {@code Accept-Encoding}
     * (none when null).
     */
    public Map<String, HttpResponse<byte[]>> first(String acceptEncoding) throws IOException, InterruptedException {
        Map<String, HttpResponse<byte[]>> load = new LinkedHashMap<>();
        HttpResponse<byte[]> page = get(PAGE, acceptEncoding, Map.of());
        load.put("/client", page);
        String html = new String(decode(page.headers().firstValue("Content-Encoding").orElse(null), page.body()),
                StandardCharsets.UTF_8);
        Matcher loaded = LOADED.matcher(html);
        while (loaded.find()) {
            load.put(loaded.group(1), get(loaded.group(1), acceptEncoding, Map.of()));
        }
        load.put("/client-sw.js", get("/client-sw.js", acceptEncoding, Map.of()));
        return load;
    }

    /**
     * A repeat load after {@code first}: each response a browser may not reuse without asking (any but
     * {@code immutable} ones) asked again with its validators ({@code If-None-Match}, {@code If-Modified-Since}).
     */
    public Map<String, HttpResponse<byte[]>> repeat(Map<String, HttpResponse<byte[]>> first, String acceptEncoding)
            throws IOException, InterruptedException {
        Map<String, HttpResponse<byte[]>> load = new LinkedHashMap<>();
        for (var entry : first.entrySet()) {
            var headers = entry.getValue().headers();
            if (headers.firstValue("Cache-Control").orElse("").contains("immutable")) {
                continue;
            }
            Map<String, String> validators = new LinkedHashMap<>();
            headers.firstValue("ETag").ifPresent(etag -> validators.put("If-None-Match", etag));
            headers.firstValue("Last-Modified").ifPresent(date -> validators.put("If-Modified-Since", date));
            String path = entry.getKey().equals("/client") ? PAGE : entry.getKey();
            load.put(entry.getKey(), get(path, acceptEncoding, validators));
        }
        return load;
    }

    public HttpResponse<byte[]> get(String path, String acceptEncoding, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(origin + path)).timeout(Duration.ofSeconds(60));
        if (acceptEncoding != null) {
            request.header("Accept-Encoding", acceptEncoding);
        }
        headers.forEach(request::header);
        return https.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Status line, headers and body as HTTP/1.1 sent them. */
    public static long transferred(HttpResponse<byte[]> response) {
        long bytes = "HTTP/1.1 200 OK\r\n\r\n".length() + response.body().length;
        for (var header : response.headers().map().entrySet()) {
            for (String value : header.getValue()) {
                bytes += header.getKey().length() + 2 + value.getBytes(StandardCharsets.UTF_8).length + 2;
            }
        }
        return bytes;
    }

    /** The sum of {@link #transferred} over a load. */
    public static long transferred(Map<String, HttpResponse<byte[]>> load) {
        return load.values().stream().mapToLong(PageLoad::transferred).sum();
    }

    /** One line per file: path, status, bytes on the wire, Content-Encoding. */
    public static String describe(Map<String, HttpResponse<byte[]>> load) {
        StringBuilder text = new StringBuilder();
        load.forEach((path, response) -> text.append(path).append(' ').append(response.statusCode()).append(' ')
                .append(transferred(response)).append(" B ")
                .append(response.headers().firstValue("Content-Encoding").orElse("identity")).append("; "));
        return text.append("total ").append(transferred(load)).append(" B").toString();
    }

    /** The body a {@code Content-Encoding} (br, gzip or none) stands for. */
    public static byte[] decode(String encoding, byte[] body) throws IOException {
        if (encoding == null) {
            return body;
        }
        try (InputStream in = switch (encoding) {
            case "br" -> new BrotliInputStream(new ByteArrayInputStream(body));
            case "gzip" -> new GZIPInputStream(new ByteArrayInputStream(body));
            default -> throw new IOException("unexpected Content-Encoding " + encoding);
        }) {
            return in.readAllBytes();
        }
    }
}

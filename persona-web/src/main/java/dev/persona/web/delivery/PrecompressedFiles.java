package dev.persona.web.delivery;

import java.io.IOException;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/**
 * Sends the WAR's precompressed files compressed and says how long they may be cached. A file counts when the build
 * put its brotli ({@code <file>.br}) and gzip ({@code <file>.gz}) forms beside it (the phone page's, see
 * {@code build.mjs}); the set is read from the WAR once, at start. For such a file (asked directly or forwarded to,
 * as {@code /client} forwards to {@code /client.html}) the response
 * <ul>
 * <li>is the form {@link ContentCoding#choose} picks for the request's {@code Accept-Encoding}, with its
 *     {@code Content-Encoding} and the file's own content type, or the file as it is when the request accepts
 *     neither; the container's default servlet sends it, with its validators and conditional requests
 *     ({@code ETag}, {@code Last-Modified}, 304);</li>
 * <li>varies by {@code Accept-Encoding};</li>
 * <li>may be cached a year without asking again ({@code immutable}) when its name carries its content's hash
 *     ({@code client.<hash>.js}), and is revalidated each time ({@code no-cache}) otherwise (the page, the service
 *     worker).</li>
 * </ul>
 * Other requests pass untouched.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true, dispatcherTypes = {DispatcherType.REQUEST,
        DispatcherType.FORWARD})
public class PrecompressedFiles extends HttpFilter {

    /** For a file whose name changes with its content. */
    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    /** For a file under a fixed name: cached, but revalidated before each use. */
    static final String REVALIDATE = "no-cache";
    /** {@code name.<hash>.ext}: a hash of at least 8 letters and digits before the extension. */
    private static final Pattern HASHED = Pattern.compile(".*/[^/]+\\.[0-9A-Za-z]{8,}\\.[0-9A-Za-z]+");

    private Set<String> precompressed = Set.of();

    @Override
    public void init() {
        Set<String> found = new HashSet<>();
        collect("/", found);
        precompressed = Set.copyOf(found);
    }

    private void collect(String directory, Set<String> found) {
        Set<String> paths = getServletContext().getResourcePaths(directory);
        if (paths == null) {
            return;
        }
        for (String path : paths) {
            if (path.endsWith("/")) {
                if (!path.equals("/WEB-INF/") && !path.equals("/META-INF/")) {
                    collect(path, found);
                }
            } else if (paths.contains(path + ContentCoding.BROTLI.suffix)
                    && paths.contains(path + ContentCoding.GZIP.suffix)) {
                found.add(path);
            }
        }
    }

    /** The cache policy for a precompressed file's path. */
    static String cacheControl(String path) {
        return HASHED.matcher(path).matches() ? IMMUTABLE : REVALIDATE;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = request.getServletPath() + Objects.toString(request.getPathInfo(), "");
        boolean read = request.getMethod().equals("GET") || request.getMethod().equals("HEAD");
        if (!read || !precompressed.contains(path)) {
            chain.doFilter(request, response);
            return;
        }
        response.setHeader("Vary", "Accept-Encoding");
        response.setHeader("Cache-Control", cacheControl(path));
        ContentCoding coding = ContentCoding.choose(request.getHeader("Accept-Encoding"));
        if (coding == ContentCoding.IDENTITY) {
            chain.doFilter(request, response);
            return;
        }
        response.setHeader("Content-Encoding", coding.token);
        request.getRequestDispatcher(path + coding.suffix).forward(request,
                new Encoded(response, getServletContext().getMimeType(path)));
    }

    /** The compressed form's response: keeps the content type of the file it stands for. */
    static final class Encoded extends HttpServletResponseWrapper {

        Encoded(HttpServletResponse response, String contentType) {
            super(response);
            if (contentType != null) {
                response.setContentType(contentType);
            }
        }

        @Override
        public void setContentType(String type) {
            // the compressed file's own type (none, or octet-stream) is not what the browser decodes it into
        }

        @Override
        public void setCharacterEncoding(String charset) {
            // likewise
        }

        @Override
        public void setHeader(String name, String value) {
            if (!"Content-Type".equalsIgnoreCase(name)) {
                super.setHeader(name, value);
            }
        }

        @Override
        public void addHeader(String name, String value) {
            if (!"Content-Type".equalsIgnoreCase(name)) {
                super.addHeader(name, value);
            }
        }
    }
}

package dev.persona.models;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A fixture standing in for the public Hugging Face Hub, which tests cannot reach: a real HTTP server on loopback
 * (the JDK's {@code com.sun.net.httpserver}) that answers in the hub's shape as its public documentation and its
 * client describe it (docs/models.md, "The hub's API"):
 * <ul>
 * <li>{@code GET /api/models/<owner>/<repo>[/revision/<rev>]}: the model's info, {@code siblings} with each file's
 *     {@code rfilename}, {@code size} and {@code lfs.sha256} ({@code ?blobs=true});</li>
 * <li>{@code HEAD|GET /<owner>/<repo>/resolve/<rev>/<file>}: 302 to a second path ({@code /cdn/<sha256>}, where the
 *     real hub names its CDN) with {@code X-Repo-Commit}, {@code X-Linked-Etag} and {@code ETag} (the LFS SHA-256 in
 *     quotes) and {@code X-Linked-Size}; 401 ({@code X-Error-Code: RepoNotFound}) for a repository it does not know
 *     or a private one without the token, 403 ({@code GatedRepo}) for a gated one, 404 ({@code EntryNotFound}) for
 *     a file it does not have;</li>
 * <li>{@code GET /cdn/<sha256>} on a second server (another origin, as the CDN is) with {@code Range: bytes=<from>-} answered 206 with {@code Content-Range}.</li>
 * </ul>
 * Faults for the tests: close the connection after some bytes once, serve other bytes than it announces, announce a
 * size, serve slowly.
 */
public final class HubFixture implements AutoCloseable {

    public static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    private static final Pattern RESOLVE = Pattern.compile("/([^/]+/[^/]+)/resolve/([^/]+)/(.+)");
    private static final Pattern INFO = Pattern.compile("/api/models/([^/]+/[^/]+?)(?:/revision/([^/]+))?");

    private record HostedFile(Path path, long size, String sha256) {
    }

    private final HttpServer server;
    /** The second origin the resolve answers redirect to, as the public hub's go to its CDN. */
    private final HttpServer cdn;
    private final Map<String, Map<String, HostedFile>> repos = new ConcurrentHashMap<>();
    private final Map<String, String> privateRepos = new ConcurrentHashMap<>();
    private final List<String> gatedRepos = new CopyOnWriteArrayList<>();
    /** Each request as "METHOD path [Range: ...] [Authorization]". */
    public final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicLong dropAfter = new AtomicLong(-1);
    private final AtomicLong stallAfter = new AtomicLong(-1);
    private final Object closedSignal = new Object();
    private boolean closed;
    private volatile boolean serveOtherBytes;
    private volatile long announcedSize = -1;
    private volatile long bytesPerSecond = -1;

    public HubFixture() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        cdn = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        cdn.setExecutor(Executors.newCachedThreadPool());
        cdn.createContext("/", this::handle);
        server.start();
        cdn.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Serves {@code bytes} as {@code file} of {@code repo} (from a temporary file). */
    public HubFixture add(String repo, String file, byte[] bytes) throws IOException {
        Path copy = Files.createTempFile("hub-fixture-", ".gguf");
        copy.toFile().deleteOnExit();
        Files.write(copy, bytes);
        return add(repo, file, copy);
    }

    /** Serves the file at {@code path} as {@code file} of {@code repo}, read from disk at each request. */
    public HubFixture add(String repo, String file, Path path) throws IOException {
        repos.computeIfAbsent(repo, r -> new ConcurrentHashMap<>()).put(file, new HostedFile(path, Files.size(path),
                sha256(path)));
        return this;
    }

    /** The repository answers only requests with {@code Authorization: Bearer <token>}. */
    public HubFixture privateRepo(String repo, String token) {
        privateRepos.put(repo, token);
        return this;
    }

    public HubFixture gated(String repo) {
        gatedRepos.add(repo);
        return this;
    }

    /** The next download of bytes closes the connection after {@code bytes} of its body. */
    public void dropNextAfter(long bytes) {
        dropAfter.set(bytes);
    }

    /**
     * The next download of bytes sends {@code bytes} of its body and then nothing more, keeping the connection open
     * (a hung server or network), until the fixture closes.
     */
    public void stallNextAfter(long bytes) {
        stallAfter.set(bytes);
    }

    /** Serves the file with its last byte changed, still announcing the original's SHA-256. */
    public void serveOtherBytes(boolean other) {
        serveOtherBytes = other;
    }

    /** Announces this size in {@code X-Linked-Size} instead of the file's. */
    public void announceSize(long size) {
        announcedSize = size;
    }

    /** Serves bodies at about this rate (-1: as fast as it can). */
    public void throttle(long perSecond) {
        bytesPerSecond = perSecond;
    }

    public List<String> requestsTo(String prefix) {
        return requests.stream().filter(r -> r.contains(" " + prefix)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            String range = exchange.getRequestHeaders().getFirst("Range");
            requests.add(exchange.getRequestMethod() + " " + path + (range == null ? "" : " Range: " + range)
                    + (authorization == null ? "" : " Authorization"));
            Matcher info = INFO.matcher(path);
            Matcher resolve = RESOLVE.matcher(path);
            if (info.matches()) {
                modelInfo(exchange, info.group(1), authorization);
            } else if (resolve.matches()) {
                resolve(exchange, resolve.group(1), resolve.group(3), authorization);
            } else if (path.startsWith("/cdn/") && exchange.getHttpContext().getServer() == cdn) {
                bytes(exchange, path.substring("/cdn/".length()), range);
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
        }
    }

    /** 401/403 as the public hub answers them, or empty when the repository may be read. */
    private Optional<Integer> refusal(HttpExchange exchange, String repo, String authorization) {
        String token = privateRepos.get(repo);
        boolean authorized = token != null && ("Bearer " + token).equals(authorization);
        if (!repos.containsKey(repo) || token != null && !authorized) {
            exchange.getResponseHeaders().add("X-Error-Code", "RepoNotFound");
            return Optional.of(401);
        }
        if (gatedRepos.contains(repo)) {
            exchange.getResponseHeaders().add("X-Error-Code", "GatedRepo");
            return Optional.of(403);
        }
        return Optional.empty();
    }

    private void modelInfo(HttpExchange exchange, String repo, String authorization) throws IOException {
        Optional<Integer> refused = refusal(exchange, repo, authorization);
        if (refused.isPresent()) {
            exchange.sendResponseHeaders(refused.get(), -1);
            return;
        }
        StringBuilder siblings = new StringBuilder();
        repos.get(repo).forEach((name, file) -> siblings.append(siblings.isEmpty() ? "" : ",")
                .append("{\"rfilename\":\"").append(name).append("\",\"size\":").append(file.size())
                .append(",\"lfs\":{\"sha256\":\"").append(file.sha256()).append("\",\"size\":")
                .append(file.size()).append(",\"pointerSize\":134}}"));
        byte[] json = ("{\"_id\":\"fixture\",\"id\":\"" + repo + "\",\"sha\":\"" + COMMIT + "\",\"private\":"
                + privateRepos.containsKey(repo) + ",\"gated\":" + gatedRepos.contains(repo)
                + ",\"siblings\":[" + siblings + "]}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(200, json.length);
        exchange.getResponseBody().write(json);
    }

    private void resolve(HttpExchange exchange, String repo, String fileName, String authorization)
            throws IOException {
        Optional<Integer> refused = refusal(exchange, repo, authorization);
        if (refused.isPresent()) {
            exchange.sendResponseHeaders(refused.get(), -1);
            return;
        }
        HostedFile file = repos.get(repo).get(fileName);
        if (file == null) {
            exchange.getResponseHeaders().add("X-Error-Code", "EntryNotFound");
            exchange.sendResponseHeaders(404, -1);
            return;
        }
        var headers = exchange.getResponseHeaders();
        headers.add("X-Repo-Commit", COMMIT);
        headers.add("X-Linked-Etag", "\"" + file.sha256() + "\"");
        headers.add("ETag", "\"" + file.sha256() + "\"");
        headers.add("X-Linked-Size", Long.toString(announcedSize >= 0 ? announcedSize : file.size()));
        headers.add("Location", "http://127.0.0.1:" + cdn.getAddress().getPort() + "/cdn/" + file.sha256());
        exchange.sendResponseHeaders(302, -1);
    }

    private void bytes(HttpExchange exchange, String sha256, String range) throws IOException {
        HostedFile file = repos.values().stream().flatMap(files -> files.values().stream())
                .filter(f -> f.sha256().equals(sha256)).findFirst().orElse(null);
        if (file == null) {
            exchange.sendResponseHeaders(404, -1);
            return;
        }
        long size = file.size();
        long from = 0;
        exchange.getResponseHeaders().add("ETag", "\"" + sha256 + "\"");
        exchange.getResponseHeaders().add("Accept-Ranges", "bytes");
        if (range != null) {
            Matcher open = Pattern.compile("bytes=(\\d+)-").matcher(range);
            if (!open.matches() || Long.parseLong(open.group(1)) >= size) {
                exchange.getResponseHeaders().add("Content-Range", "bytes */" + size);
                exchange.sendResponseHeaders(416, -1);
                return;
            }
            from = Long.parseLong(open.group(1));
            exchange.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (size - 1) + "/" + size);
            exchange.sendResponseHeaders(206, size - from);
        } else {
            exchange.sendResponseHeaders(200, size);
        }
        if ("HEAD".equals(exchange.getRequestMethod())) {
            return;
        }
        long drop = dropAfter.getAndSet(-1);
        long stall = stallAfter.getAndSet(-1);
        boolean other = serveOtherBytes;
        OutputStream body = exchange.getResponseBody();
        byte[] chunk = new byte[1 << 16];
        long started = System.nanoTime();
        long sent = 0;
        try (SeekableByteChannel in = Files.newByteChannel(file.path())) {
            in.position(from);
            for (long at = from; at < size; ) {
                int length = in.read(ByteBuffer.wrap(chunk, 0, (int) Math.min(chunk.length, size - at)));
                if (other && at + length == size) {
                    chunk[length - 1] ^= 1;
                }
                if (stall >= 0 && sent + length > stall) {
                    body.write(chunk, 0, (int) (stall - sent));
                    body.flush();
                    hangUntilClosed();
                    throw new IOException("the fixture stalled after " + stall + " bytes, as asked");
                }
                if (drop >= 0 && sent + length > drop) {
                    body.write(chunk, 0, (int) (drop - sent));
                    body.flush();
                    lingerBeforeTheCut();
                    throw new IOException("the fixture drops the connection after " + drop + " bytes, as asked");
                }
                body.write(chunk, 0, length);
                sent += length;
                at += length;
                pace(started, sent);
            }
        }
    }

    private void hangUntilClosed() {
        synchronized (closedSignal) {
            while (!closed) {
                try {
                    closedSignal.wait(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Gives the client a moment to read what was sent, so that the cut comes after those bytes as on a network. */
    private static void lingerBeforeTheCut() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void pace(long started, long sent) {
        long rate = bytesPerSecond;
        if (rate <= 0) {
            return;
        }
        long due = started + sent * 1_000_000_000L / rate;
        long wait = due - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                digest.update(buffer, 0, read);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        synchronized (closedSignal) {
            closed = true;
            closedSignal.notifyAll();
        }
        server.stop(0);
        cdn.stop(0);
    }
}

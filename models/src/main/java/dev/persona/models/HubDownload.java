package dev.persona.models;

import dev.persona.models.gguf.GgufReader;
import dev.persona.settings.Setting;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * Downloads one GGUF file of a repository on a Hugging Face–compatible hub into a models folder, the way the hub's
 * own client does it (huggingface_hub's {@code hf_hub_download}; docs/models.md cites the documentation): a
 * {@code HEAD} of {@code <hub>/<repo>/resolve/<revision>/<file>} gives the file's size ({@code X-Linked-Size}), its
 * LFS SHA-256 ({@code X-Linked-Etag}), the commit ({@code X-Repo-Commit}) and, for an LFS file, a redirect to where
 * its bytes are served (a CDN); a {@code GET} there fetches them, with {@code Range} from where an earlier attempt
 * stopped.
 *
 * <p>The bytes go into a hidden file named after the name and the checksum ({@code .<name>.<sha256 prefix>.download},
 * which the catalog does not list), locked while one download writes it, so that a second download of the same file,
 * in this process or another (the command line while the host runs), is refused, and a download that broke off,
 * or a host that stopped, resumes where it was. The disk's free space is checked before the first byte (with {@link
 * ModelUpload#check}, the upload's checks), the SHA-256 is compared with the hub's before the file gets its name, and
 * the GGUF header must read; then it is linked into place as an upload is. The token, when there is one, is sent to
 * the hub's own address only (not to the CDN a redirect names) and appears in no message.
 */
public final class HubDownload {

    /** The public hub, the default of {@link #HUB_URL}. */
    public static final URI PUBLIC_HUB = URI.create("https://huggingface.co");
    /** {@code PERSONA_HUB_URL}: the hub's base address; a mirror or an internal server answers the same way. */
    public static final Setting<URI> HUB_URL = Setting.parsed("persona.hub.url", PUBLIC_HUB,
            "an http or https address such as https://huggingface.co", HubDownload::httpAddress);
    /** {@code PERSONA_HUB_TOKEN}: an access token for gated or private repositories; never in a message. */
    public static final Setting<String> HUB_TOKEN = Setting.secret("persona.hub.token");
    private static final Pattern REPO = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}");
    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern PATH_IN_REPO = Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]{0,199}/){0,4}[^/]+");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Duration ANSWER = Duration.ofSeconds(30);
    /** A download that receives no byte for this long is given up as a lost connection (resumable). */
    private static final Duration STALL = Duration.ofSeconds(60);
    /**
     * Watches the downloads' reads, which block: it closes the body of one that stalls or is cancelled, so that its
     * read returns. One daemon thread for the process; its checks take microseconds.
     */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "persona-hub-download-watchdog");
        thread.setDaemon(true);
        return thread;
    });
    private static final long PROGRESS_EVERY_NANOS = 250_000_000L;
    private static final int BUFFER = 1 << 16;
    private static final int MAX_RELATIVE_REDIRECTS = 5;

    /** Why a download failed; the message says it to the owner. */
    public enum Failure {
        /** 401: the repository does not exist, or it is private and no valid token was given. */
        UNAUTHORIZED,
        /** 403: the repository is gated (its conditions were not accepted) or the token may not read it. */
        GATED,
        /** 404: no such repository, revision or file. */
        NOT_FOUND,
        /** The hub gave no SHA-256 for the file (not stored with LFS), so it cannot be checked. */
        NO_CHECKSUM,
        /** What arrived does not have the SHA-256 the hub gave; nothing was kept. */
        CHECKSUM_MISMATCH,
        /** The connection broke off; what arrived is kept for the next attempt. */
        CONNECTION_LOST,
        /** Another download of the same file is running. */
        BUSY,
        /** The download was cancelled; what arrived was deleted. */
        CANCELLED,
        /** The hub answered something else (a 5xx, a malformed answer). */
        HUB_ERROR
    }

    /** A download that failed for {@link #failure()}. */
    public static final class FailedException extends IOException {

        private static final long serialVersionUID = 1L;
        private final Failure failure;

        public FailedException(Failure failure, String message) {
            super(message);
            this.failure = failure;
        }

        FailedException(Failure failure, String message, Throwable cause) {
            super(message, cause);
            this.failure = failure;
        }

        public Failure failure() {
            return failure;
        }
    }

    /**
     * One file of one repository.
     *
     * @param repo     {@code owner/name}
     * @param file     the file's path in the repository, e.g. {@code qwen2.5-0.5b-instruct-q4_k_m.gguf}
     * @param revision a branch, tag or commit; {@code main} when not given
     */
    public record Request(String repo, String file, String revision) {

        public Request {
            if (repo == null || !REPO.matcher(repo).matches() || repo.contains("..")) {
                throw new IllegalArgumentException("A repository is named owner/name (letters, digits, '.', '_'"
                        + " and '-'), e.g. Qwen/Qwen2.5-0.5B-Instruct-GGUF; not '" + repo + "'.");
            }
            if (file == null || !PATH_IN_REPO.matcher(file).matches() || file.contains("..")) {
                throw new IllegalArgumentException("Not a file name in a repository: '" + file + "'.");
            }
            revision = revision == null || revision.isBlank() ? "main" : revision.strip();
            if (!REVISION.matcher(revision).matches() || revision.contains("..")) {
                throw new IllegalArgumentException("Not a branch, tag or commit: '" + revision + "'.");
            }
        }

        public Request(String repo, String file) {
            this(repo, file, null);
        }

        /** The name the file gets in the models folder: its last path segment. */
        public String fileName() {
            return file.substring(file.lastIndexOf('/') + 1);
        }
    }

    /**
     * How far a download is.
     *
     * @param done           bytes in the part file, those of earlier attempts included
     * @param total          the file's size
     * @param bytesPerSecond the rate of this attempt so far (0 before the first second's worth)
     */
    public record Progress(long done, long total, long bytesPerSecond) {

        /** The time left at this rate; empty while the rate is unknown. */
        public Optional<Duration> timeLeft() {
            return bytesPerSecond <= 0 ? Optional.empty()
                    : Optional.of(Duration.ofSeconds((total - done + bytesPerSecond - 1) / bytesPerSecond));
        }

        /** e.g. "120.5 MiB of 263.7 MiB, 12.3 MiB/s, 12 s left". */
        public String describe() {
            String line = ModelUpload.size(done) + " of " + ModelUpload.size(total);
            if (bytesPerSecond > 0) {
                line += ", " + ModelUpload.size(bytesPerSecond) + "/s, " + timeLeft().orElseThrow().toSeconds()
                        + " s left";
            }
            return line;
        }
    }

    /** Told the progress a few times a second, on the downloading thread. */
    @FunctionalInterface
    public interface Listener {
        void progress(Progress progress);
    }

    /** A file that arrived whole, checked, and was moved into place. */
    public record Done(String fileName, long size, String sha256, String commit) {
    }

    private final URI hub;
    private final Optional<String> token;
    private final Path folder;
    private final HttpClient http;
    private final Duration stall;

    /**
     * @param hub    the hub's base address, e.g. {@link #PUBLIC_HUB} or a mirror
     * @param token  an access token for gated or private repositories, sent to {@code hub}'s own address only
     * @param folder the models folder
     */
    public HubDownload(URI hub, Optional<String> token, Path folder) {
        this(hub, token, folder, STALL);
    }

    /** As above; a download that receives nothing for {@code stall} is given up (tests use a short one). */
    HubDownload(URI hub, Optional<String> token, Path folder, Duration stall) {
        String base = hub.toString();
        this.hub = URI.create(base.endsWith("/") ? base : base + "/");
        this.token = token.map(String::strip).filter(t -> !t.isEmpty());
        this.folder = folder;
        this.http = HttpClient.newBuilder().connectTimeout(ANSWER).followRedirects(HttpClient.Redirect.NEVER).build();
        this.stall = stall;
    }

    /** The address of a file on the hub (where the {@code HEAD} goes). */
    private URI resolveUri(Request request) {
        StringBuilder path = new StringBuilder(request.repo()).append("/resolve/")
                .append(URLEncoder.encode(request.revision(), StandardCharsets.UTF_8));
        for (String segment : request.file().split("/")) {
            path.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return hub.resolve(path.toString());
    }

    /**
     * Downloads the file, resuming what an earlier attempt left, and moves it into the folder once whole and checked.
     *
     * @param cancelled asked between chunks and while a read waits; when it says yes the part file is deleted and
     *                  the download ends with {@link Failure#CANCELLED}
     * @throws FailedException            for the reasons of {@link Failure}
     * @throws ModelUpload.RefusedException for the upload's reasons: a bad or taken name, no space, not a GGUF model
     * @throws IOException                when the folder cannot be written
     */
    public Done download(Request request, Listener listener, BooleanSupplier cancelled) throws IOException {
        String name = request.fileName();
        ModelUpload checks = new ModelUpload(folder);
        checks.check(name, 0);
        Remote remote = locate(request);
        Path part = folder.resolve("." + name + "." + remote.sha256().substring(0, 16) + ".download");
        long arrived = Files.isRegularFile(part) ? Math.min(Files.size(part), remote.size()) : 0;
        checks.check(name, remote.size() - arrived);
        try (FileChannel channel = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE); FileLock lock = lock(channel, name)) {
            long have = channel.size();
            if (have > remote.size()) {
                channel.truncate(0);
                have = 0;
            }
            MessageDigest sha256 = ModelUpload.sha256();
            hashExisting(channel, have, sha256);
            long done = have < remote.size() ? fetch(request, remote, channel, have, sha256, listener, cancelled, part)
                    : have;
            listener.progress(new Progress(done, remote.size(), 0));
            String actual = HexFormat.of().formatHex(sha256.digest());
            if (!actual.equals(remote.sha256())) {
                Files.deleteIfExists(part);
                throw new FailedException(Failure.CHECKSUM_MISMATCH, "The SHA-256 of the " + name + " that arrived"
                        + " is " + actual + ", but the hub says " + remote.sha256() + ". Nothing was kept; try"
                        + " again, and if it happens again, the hub or a proxy on the way serves other bytes.");
            }
            try {
                new GgufReader().read(part);
            } catch (IOException e) {
                Files.deleteIfExists(part);
                throw new ModelUpload.RefusedException(ModelUpload.Refusal.NOT_GGUF, name
                        + " is not a GGUF model: " + e.getMessage());
            }
            ModelUpload.moveIntoPlace(part, folder.resolve(name));
            Files.deleteIfExists(part);
            return new Done(name, done, actual, remote.commit());
        }
    }

    /** The part files of downloads that have not finished (resumed when the same file is pulled again). */
    public static boolean isPartFile(Path path) {
        String name = path.getFileName().toString();
        return name.startsWith(".") && name.endsWith(".download");
    }

    private record Remote(URI bytes, long size, String sha256, String commit) {
    }

    /** The {@code HEAD} of the resolve address, following relative redirects (a renamed repository) only. */
    private Remote locate(Request request) throws IOException {
        URI uri = resolveUri(request);
        for (int redirects = 0; ; redirects++) {
            HttpResponse<Void> head = send(request(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding(), request, 0);
            int status = head.statusCode();
            if (status / 100 == 3) {
                String location = head.headers().firstValue("Location").orElse(null);
                if (location == null) {
                    throw new FailedException(Failure.HUB_ERROR, "The hub redirected " + uri
                            + " without saying where.");
                }
                URI next = uri.resolve(location);
                if (!URI.create(location).isAbsolute() && redirects < MAX_RELATIVE_REDIRECTS) {
                    uri = next;
                    continue;
                }
                return remote(request, head.headers(), next);
            }
            if (status == 200) {
                return remote(request, head.headers(), uri);
            }
            throw refusal(status, head.headers(), request);
        }
    }

    private Remote remote(Request request, HttpHeaders headers, URI bytes) throws FailedException {
        String sha256 = headers.firstValue("X-Linked-Etag").map(HubDownload::etag).orElse("");
        if (!SHA256.matcher(sha256).matches()) {
            throw new FailedException(Failure.NO_CHECKSUM, request.file() + " in " + request.repo() + " is not"
                    + " stored with Git LFS (the hub gives no X-Linked-Etag with its SHA-256), so it cannot be"
                    + " checked; model files on the hub are LFS files.");
        }
        long size = headers.firstValueAsLong("X-Linked-Size").orElse(headers.firstValueAsLong("Content-Length")
                .orElse(-1));
        if (size <= 0) {
            throw new FailedException(Failure.HUB_ERROR, "The hub did not say how large " + request.file()
                    + " is (X-Linked-Size).");
        }
        return new Remote(bytes, size, sha256, headers.firstValue("X-Repo-Commit").orElse(null));
    }

    /** {@code "abc"}, {@code W/"abc"} → {@code abc} (huggingface_hub's {@code _normalize_etag}). */
    private static String etag(String value) {
        String etag = value.strip();
        if (etag.startsWith("W/")) {
            etag = etag.substring(2);
        }
        return etag.replace("\"", "").toLowerCase(Locale.ROOT);
    }

    private static FileLock lock(FileChannel channel, String name) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new FailedException(Failure.BUSY, name + " is being downloaded already (here or by"
                    + " ./persona models pull); wait for that download or cancel it.");
        }
        return lock;
    }

    private static void hashExisting(FileChannel channel, long length, MessageDigest sha256) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        for (long position = 0; position < length; ) {
            buffer.clear().limit((int) Math.min(BUFFER, length - position));
            int read = channel.read(buffer, position);
            if (read < 0) {
                throw new IOException("the part file shrank while it was read");
            }
            sha256.update(buffer.flip());
            position += read;
        }
    }

    /** Fetches the bytes from {@code have} on; returns how many the part file holds then. */
    private long fetch(Request request, Remote remote, FileChannel channel, long have, MessageDigest sha256,
                       Listener listener, BooleanSupplier cancelled, Path part) throws IOException {
        HttpRequest.Builder get = request(remote.bytes()).GET();
        if (have > 0) {
            get.header("Range", "bytes=" + have + "-");
        }
        HttpResponse<InputStream> response = send(get.build(), HttpResponse.BodyHandlers.ofInputStream(), request,
                have);
        long done = have;
        try (InputStream body = response.body()) {
            if (response.statusCode() == 200 && have > 0) {
                channel.truncate(0);
                sha256.reset();
                done = 0;
            } else if (response.statusCode() == 206) {
                String range = response.headers().firstValue("Content-Range").orElse("");
                if (!range.startsWith("bytes " + have + "-")) {
                    throw new FailedException(Failure.HUB_ERROR, "The hub answered the range from byte " + have
                            + " with '" + range + "'.");
                }
            } else if (response.statusCode() != 200) {
                throw refusal(response.statusCode(), response.headers(), request);
            }
            long started = System.nanoTime();
            long reported = started;
            long fromThisAttempt = done;
            byte[] buffer = new byte[BUFFER];
            AtomicLong lastByte = new AtomicLong(started);
            AtomicBoolean stalled = new AtomicBoolean();
            long checkEvery = Math.max(10, Math.min(1000, stall.toMillis() / 4));
            ScheduledFuture<?> watch = WATCHDOG.scheduleWithFixedDelay(() -> {
                boolean quiet = System.nanoTime() - lastByte.get() > stall.toNanos();
                if (quiet || cancelled.getAsBoolean()) {
                    stalled.set(quiet);
                    closeQuietly(body);
                }
            }, checkEvery, checkEvery, TimeUnit.MILLISECONDS);
            try {
                while (true) {
                    if (cancelled.getAsBoolean()) {
                        Files.deleteIfExists(part);
                        throw new FailedException(Failure.CANCELLED, "The download of " + request.fileName()
                                + " was cancelled; what had arrived was deleted.");
                    }
                    int read;
                    try {
                        read = body.read(buffer);
                    } catch (IOException e) {
                        read = -1;
                        if (!stalled.get() && !cancelled.getAsBoolean()) {
                            throw connectionLost(request, done, remote.size(), e);
                        }
                    }
                    if (stalled.get()) {
                        throw new FailedException(Failure.CONNECTION_LOST, "No data came from the hub for "
                                + stall.toSeconds() + " s after " + ModelUpload.size(done) + " of "
                                + ModelUpload.size(remote.size()) + " of " + request.fileName() + ". What arrived is"
                                + " kept: pull it again to resume.");
                    }
                    if (read < 0) {
                        if (cancelled.getAsBoolean()) {
                            continue;
                        }
                        break;
                    }
                    lastByte.set(System.nanoTime());
                    if (done + read > remote.size()) {
                        throw new FailedException(Failure.HUB_ERROR, "The hub sent more than the " + remote.size()
                                + " bytes it announced for " + request.fileName() + ".");
                    }
                    try {
                        channel.write(ByteBuffer.wrap(buffer, 0, read), done);
                    } catch (IOException e) {
                        ModelUpload.RefusedException full = new ModelUpload.RefusedException(
                                ModelUpload.Refusal.NO_SPACE, "Writing " + request.fileName() + " to " + folder
                                + " failed after " + ModelUpload.size(done) + " (" + e.getMessage() + "); the disk"
                                + " has " + ModelUpload.size(Files.getFileStore(folder).getUsableSpace())
                                + " free now. What arrived is kept in " + part.getFileName()
                                + ": free some space and pull again to resume, or delete it.");
                        full.initCause(e);
                        throw full;
                    }
                    sha256.update(buffer, 0, read);
                    done += read;
                    long now = System.nanoTime();
                    if (now - reported >= PROGRESS_EVERY_NANOS) {
                        reported = now;
                        long rate = now - started >= 1_000_000_000L
                                ? (long) ((done - fromThisAttempt) / ((now - started) / 1e9)) : 0;
                        listener.progress(new Progress(done, remote.size(), rate));
                    }
                }
            } finally {
                watch.cancel(false);
            }
        }
        if (done < remote.size()) {
            throw connectionLost(request, done, remote.size(), null);
        }
        return done;
    }

    private static FailedException connectionLost(Request request, long done, long size, IOException cause) {
        return new FailedException(Failure.CONNECTION_LOST, "The connection to the hub was lost after "
                + ModelUpload.size(done) + " of " + ModelUpload.size(size) + " of " + request.fileName()
                + (cause == null ? "" : " (" + cause.getMessage() + ")") + ". What arrived is kept: pull it again to"
                + " resume.", cause);
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(ANSWER)
                .header("User-Agent", "persona-host");
        if (token.isPresent() && sameOrigin(uri, hub)) {
            builder.header("Authorization", "Bearer " + token.get());
        }
        return builder;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(a.getScheme(), b.getScheme()) && Objects.equals(a.getHost(), b.getHost())
                && a.getPort() == b.getPort();
    }

    private <T> HttpResponse<T> send(HttpRequest httpRequest, HttpResponse.BodyHandler<T> handler, Request request,
                                     long done) throws IOException {
        try {
            return http.send(httpRequest, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FailedException(Failure.CANCELLED, "The download of " + request.fileName()
                    + " was interrupted.", e);
        } catch (IOException e) {
            throw new FailedException(Failure.CONNECTION_LOST, "Could not reach the hub at " + hub + " ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")"
                    + (done > 0 ? "; the " + ModelUpload.size(done) + " that arrived before are kept: pull it"
                    + " again to resume." : "."), e);
        }
    }

    /** The failure for a status the hub answered with ({@code X-Error-Code} as the public hub sends it). */
    private FailedException refusal(int status, HttpHeaders headers, Request request) {
        String code = headers.firstValue("X-Error-Code").orElse("");
        String what = request.file() + " of " + request.repo() + " (revision " + request.revision() + ")";
        return switch (status) {
            case 401 -> new FailedException(Failure.UNAUTHORIZED, "The hub answered 401 for " + what + ": the"
                    + " repository does not exist, or it is private and needs an access token"
                    + (token.isPresent() ? " other than the one set (PERSONA_HUB_TOKEN)"
                    : " (set PERSONA_HUB_TOKEN)") + ".");
            case 403 -> new FailedException(Failure.GATED, "The hub refused " + what + " (403"
                    + (code.isEmpty() ? "" : ", " + code) + "): the repository is gated. Accept its conditions on"
                    + " its page on the hub with your account, and set PERSONA_HUB_TOKEN to an access token of that"
                    + " account.");
            case 404 -> new FailedException(Failure.NOT_FOUND, "The hub has no " + what
                    + (code.isEmpty() ? "" : " (" + code + ")") + ". Check the repository, the file name and the"
                    + " revision.");
            default -> new FailedException(Failure.HUB_ERROR, "The hub answered " + status + " for " + what + ".");
        };
    }

    /** An absolute http or https address, or {@code null} (the settings reader then names what it accepts). */
    private static URI httpAddress(String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static void closeQuietly(InputStream body) {
        try {
            body.close();
        } catch (IOException | RuntimeException ignored) {
            // the read it wakes reports what happened
        }
    }
}

package dev.persona.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.CookieManager;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.net.ssl.SSLSocket;

import dev.persona.models.HubFixture;
import dev.persona.models.TinyModelGenerator;
import dev.persona.models.gguf.GgufFile;
import dev.persona.models.gguf.GgufReader;
import dev.persona.testkit.PersonaHost;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The console's model upload against the deployed host, the way a LAN device or the owner's browser reaches it
 * (HTTPS, {@code PUT /console/models/upload}): a generated model of a real size (263 MiB, {@link
 * TinyModelGenerator.Shape#SMALL}, far above WildFly's 10 MiB {@code max-post-size}) uploaded by the signed-in owner
 * arrives whole, with its SHA-256, and the console lists what its header says; without signing in, an upload of
 * any declared size is answered with the login page before its body is read; an upload the disk cannot hold is
 * refused with a clear message before anything is written; an upload that breaks off leaves no file; every other
 * body, a stranger's login post included, stays within the bound the host runs with ({@code
 * PERSONA_HTTP_MAX_BODY_KIB}, set below WildFly's 10 MiB here). The model is generated once per run in target/,
 * from the tokenizer of the host's own tiny model.
 *
 * <p>The same host downloads from {@link HubFixture}, a fixture standing in for the public Hugging Face Hub (a real
 * HTTP server on loopback in the hub's API shape, with a private repository and its token as {@code
 * PERSONA_HUB_URL} and {@code PERSONA_HUB_TOKEN}): the real-size model arrives through the resolve redirect,
 * resumes with a Range after the connection broke, is checked against the hub's SHA-256 and listed; a second
 * download of the same file is refused while the first runs; the hub's refusals and a wrong checksum reach the
 * owner as clear messages; the repository's files are listed through the MicroProfile REST Client; the token is in
 * no log and never sent to the CDN.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModelUploadIT {

    private static final Duration ANSWER = Duration.ofSeconds(60);
    private static final String GUARD_HEADER = "X-Persona-Upload";
    /** The bound on request bodies this host runs with (PERSONA_HTTP_MAX_BODY_KIB), below WildFly's 10 MiB. */
    private static final int BOUND_KIB = 1024;
    private static PersonaHost host;
    private static Path models;
    private static Path realSizeModel;
    private static HttpClient owner;
    private static HubFixture hub;
    private static final String HUB_TOKEN = "hf_fixtureTokenNeverLogged";
    private static final String HUB_REPO = "persona/small-GGUF";
    private static final String HUB_FILE = "persona-small-f16.gguf";

    @BeforeAll
    static void startHostAndGenerateTheModel() throws Exception {
        hub = new HubFixture();
        host = new PersonaHost(Path.of("target/it-data/model-upload").toAbsolutePath())
                .with("PERSONA_HTTP_MAX_BODY_KIB", Integer.toString(BOUND_KIB))
                .with("PERSONA_HUB_URL", hub.url().toString())
                .with("PERSONA_HUB_TOKEN", HUB_TOKEN);
        HostFoundationIT.deleteRecursively(host.dataDirectory);
        String password = host.start().consolePassword();
        models = host.dataDirectory.resolve("models");
        Path generated = Files.createDirectories(Path.of("target/it-models").toAbsolutePath());
        realSizeModel = generated.resolve("persona-small.gguf");
        TinyModelGenerator.generate(models.resolve("persona-tiny.gguf"), realSizeModel, 7,
                TinyModelGenerator.Shape.SMALL);
        owner = signedInOwner(password);
        hub.add(HUB_REPO, HUB_FILE, realSizeModel).privateRepo(HUB_REPO, HUB_TOKEN)
                .add("persona/tiny-GGUF", "persona-tiny-copy.gguf", models.resolve("persona-tiny.gguf"));
    }

    @AfterAll
    static void stopHost() throws Exception {
        PersonaHost.tearDown(host).then(hub).run();
    }

    @Test
    @Order(1)
    void withoutSigningInAnUploadIsAnsweredWithTheLoginPageBeforeItsBodyIsRead() throws Exception {
        // 5 GB declared, not one byte sent: the answer can only come before the body is read.
        try (SSLSocket socket = openSocket()) {
            sendHead(socket, "stranger.gguf", 5_000_000_000L, null);
            String answer = readAnswer(socket);
            assertFalse(answer.startsWith("HTTP/1.1 200") && answer.contains("sha256"), answer);
            assertTrue(answer.contains("j_security_check") || answer.matches("(?s)HTTP/1.1 (302|303|401|403).*"),
                    "the stranger gets the login, not the upload:\n" + answer);
        }
        assertEquals(List.of("persona-tiny.gguf"), modelFolderEntries(), "nothing was written");
    }

    @Test
    @Order(2)
    void theSignedInOwnerUploadsAModelOfARealSizeAndTheConsoleListsIt() throws Exception {
        long size = Files.size(realSizeModel);
        assertTrue(size > 250L << 20, "a real-size model: " + size + " bytes");
        String sha256 = sha256(realSizeModel);

        HttpResponse<String> response = owner.send(upload("persona-small.gguf")
                .PUT(HttpRequest.BodyPublishers.ofFile(realSizeModel)).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode(), response.body() + "\n" + host.serverLogTail());
        JsonObject answer = Json.createReader(new StringReader(response.body())).readObject();
        assertEquals("persona-small.gguf", answer.getString("name"));
        assertEquals(size, answer.getJsonNumber("size").longValueExact());
        assertEquals(sha256, answer.getString("sha256"));
        Path uploaded = models.resolve("persona-small.gguf");
        assertEquals(sha256, sha256(uploaded), "the file in the models folder is the one sent");
        assertEquals(List.of("persona-small.gguf", "persona-tiny.gguf"), modelFolderEntries(), "no part file left");

        // The console lists it with what the host's GGUF reader found in its header.
        GgufFile header = new GgufReader().read(realSizeModel);
        String page = owner.send(HttpRequest.newBuilder(console("models.xhtml")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher row = Pattern.compile("(?s)<strong class=\"model-file\">persona-small\\.gguf</strong>(.*?)</tr>")
                .matcher(page);
        assertTrue(row.find(), "the console lists the upload:\n" + page);
        for (String cell : List.of(String.format(Locale.ROOT, "%.1f M", header.parameterCount() / 1e6),
                String.format(Locale.ROOT, "%.1f MiB", size / (1024.0 * 1024)), "F16", "llama", "4096")) {
            assertTrue(row.group(1).contains(cell), cell + " in " + row.group(1));
        }
    }

    @Test
    @Order(3)
    void anUploadTheDiskCannotHoldIsRefusedWithAClearMessageBeforeAnythingIsWritten() throws Exception {
        long free = Files.getFileStore(models).getUsableSpace();
        long declared = free + (1L << 30);
        try (SSLSocket socket = openSocket()) {
            sendHead(socket, "too-large.gguf", declared, sessionCookie());
            String answer = readAnswer(socket);
            assertTrue(answer.startsWith("HTTP/1.1 507"), answer);
            assertTrue(answer.contains("too-large.gguf needs") && answer.contains("free"), answer);
        }
        assertEquals(List.of("persona-small.gguf", "persona-tiny.gguf"), modelFolderEntries());
    }

    @Test
    @Order(4)
    void anUploadThatBreaksOffLeavesNoFile() throws Exception {
        long declared = 200L << 20;
        try (SSLSocket socket = openSocket()) {
            sendHead(socket, "broken.gguf", declared, sessionCookie());
            OutputStream out = socket.getOutputStream();
            byte[] chunk = new byte[1 << 20];
            try (InputStream model = Files.newInputStream(realSizeModel)) {
                for (int sent = 0; sent < 20; sent++) {
                    out.write(chunk, 0, model.read(chunk));
                }
            }
            out.flush();
            // The body streams into a hidden part file, which the console does not list.
            awaitTrue(() -> modelFolderEntries().stream().anyMatch(name -> name.startsWith(".broken.gguf.")),
                    "the upload streams into a part file");
            assertFalse(owner.send(HttpRequest.newBuilder(console("models.xhtml")).build(),
                    HttpResponse.BodyHandlers.ofString()).body().contains("broken.gguf"));
        }
        awaitTrue(() -> modelFolderEntries().equals(List.of("persona-small.gguf", "persona-tiny.gguf")),
                "the part file of the broken upload is deleted");
    }

    @Test
    @Order(5)
    void everyOtherBodyStaysWithinTheBoundTheLoginFormsIncluded() throws Exception {
        // A stranger's login post twice the bound this host runs with, and far below WildFly's 10 MiB.
        byte[] form = ("j_username=admin&j_password=" + "x".repeat(2 * BOUND_KIB * 1024))
                .getBytes(StandardCharsets.UTF_8);
        String answer;
        try (SSLSocket socket = openSocket()) {
            String head = "POST /j_security_check HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + host.httpsPort + "\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: " + form.length + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            try {
                socket.getOutputStream().write(form);
                socket.getOutputStream().flush();
            } catch (IOException closedBeforeTheEnd) {
                // the host stopped reading: what it answered before, if anything, is read below
            }
            answer = readAnswer(socket);
        }
        assertTrue(answer.startsWith("HTTP/1.1 413 "), "a body beyond the bound is refused, not read: " + answer);

        // The same over HTTP/2, as browsers speak it: 413, or the connection closed while the client still sends.
        HttpClient http2 = HttpClient.newBuilder().sslContext(host.trustingOnlyTheHostCa()).build();
        try {
            HttpResponse<String> refused = http2.send(HttpRequest.newBuilder(signIn())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(form)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(HttpClient.Version.HTTP_2, refused.version());
            assertEquals(413, refused.statusCode(), refused.body());
        } catch (IOException closed) {
            assertTrue(String.valueOf(closed.getMessage()).matches(".*(GOAWAY|RST_STREAM).*"), closed.toString());
        }
        String log = Files.readString(host.dataDirectory.resolve("logs/server.log"));
        assertFalse(log.contains("RequestTooBigException"), "refused before anything reads it, so nothing is logged");
        assertTrue(log.contains("Request bodies: at most " + BOUND_KIB + " KiB"), "the setting reached the server");
    }


    @Test
    @Order(6)
    void aRealSizeModelDownloadsFromTheHubResumesAfterTheConnectionBrokeAndIsChecked() throws Exception {
        String sha256 = sha256(realSizeModel);
        long brokenAt = 100L << 20;
        hub.dropNextAfter(brokenAt);

        assertEquals(202, startDownload(HUB_REPO, HUB_FILE).statusCode());
        JsonObject broken = awaitStage(HUB_FILE, "FAILED");
        assertTrue(broken.getString("message").contains("connection to the hub was lost")
                && broken.getString("message").contains("pull it again to resume"), broken.toString());
        List<String> partFiles = modelFolderEntries().stream().filter(name -> name.endsWith(".download")).toList();
        assertEquals(List.of("." + HUB_FILE + "." + sha256.substring(0, 16) + ".download"), partFiles);
        assertEquals(brokenAt, Files.size(models.resolve(partFiles.get(0))), "what arrived is kept");
        assertFalse(modelFolderEntries().contains(HUB_FILE));

        hub.throttle(40L << 20);
        assertEquals(202, startDownload(HUB_REPO, HUB_FILE).statusCode());
        HttpResponse<String> second = startDownload(HUB_REPO, HUB_FILE);
        assertEquals(409, second.statusCode(), "one download per file: " + second.body());
        JsonObject done = awaitStage(HUB_FILE, "DONE");
        hub.throttle(-1);

        assertTrue(done.getString("message").contains(sha256), done.toString());
        assertEquals(sha256, sha256(models.resolve(HUB_FILE)), "the file in the models folder is the hub's");
        assertFalse(modelFolderEntries().stream().anyMatch(name -> name.endsWith(".download")), "no part file left");
        List<String> fetched = hub.requestsTo("/cdn/");
        assertEquals(2, fetched.size(), fetched.toString());
        assertTrue(fetched.get(1).endsWith("Range: bytes=" + brokenAt + "-"), "resumed, not restarted: " + fetched);
        assertTrue(fetched.stream().noneMatch(request -> request.contains("Authorization")),
                "the token stays with the hub: " + fetched);
        assertTrue(hub.requestsTo("/" + HUB_REPO + "/resolve/").stream().allMatch(r -> r.endsWith("Authorization")));
        String page = owner.send(HttpRequest.newBuilder(console("models.xhtml")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(page.contains("<strong class=\"model-file\">" + HUB_FILE + "</strong>"), "listed:\n" + page);
        assertTrue(page.contains("Use this model"), "the console offers to use it");
    }

    @Test
    @Order(7)
    void theHubsRefusalsAndAWrongChecksumReachTheOwnerAsClearMessages() throws Exception {
        assertEquals(202, startDownload("persona/missing-GGUF", "model.gguf").statusCode());
        assertTrue(awaitStage("model.gguf", "FAILED").getString("message").startsWith("The hub answered 401"));

        hub.serveOtherBytes(true);
        try {
            assertEquals(202, startDownload("persona/tiny-GGUF", "persona-tiny-copy.gguf").statusCode());
            String mismatch = awaitStage("persona-tiny-copy.gguf", "FAILED").getString("message");
            assertTrue(mismatch.contains("SHA-256") && mismatch.contains("Nothing was kept"), mismatch);
        } finally {
            hub.serveOtherBytes(false);
        }
        assertFalse(modelFolderEntries().stream().anyMatch(name -> name.contains("persona-tiny-copy")));
        assertEquals(400, startDownload("../etc", "passwd.gguf").statusCode());
    }

    @Test
    @Order(8)
    void theRepositorysFilesComeThroughTheRestClientAndTheTokenIsInNoLog() throws Exception {
        HttpResponse<String> files = owner.send(HttpRequest.newBuilder(console("models/hub/files?repo=" + HUB_REPO))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, files.statusCode(), files.body() + "\n" + host.serverLogTail());
        JsonObject file = Json.createReader(new StringReader(files.body())).readObject().getJsonArray("files")
                .getJsonObject(0);
        assertEquals(HUB_FILE, file.getString("file"));
        assertEquals(Files.size(realSizeModel), file.getJsonNumber("size").longValueExact());
        assertEquals(sha256(realSizeModel), file.getString("sha256"));
        assertTrue(hub.requestsTo("/api/models/" + HUB_REPO).stream().allMatch(r -> r.endsWith("Authorization")));

        try (Stream<Path> logs = Files.walk(host.dataDirectory)) {
            for (Path log : logs.filter(path -> path.toString().endsWith(".log")).toList()) {
                assertFalse(Files.readString(log).contains(HUB_TOKEN), "the hub token is in " + log);
            }
        }
    }

    private static HttpResponse<String> startDownload(String repo, String file) throws Exception {
        return owner.send(HttpRequest.newBuilder(console("models/hub/downloads?repo=" + repo + "&file=" + file))
                .header("X-Persona-Request", "1").POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The download of {@code name} once it reached {@code stage}; a download that ends otherwise fails the test. */
    private static JsonObject awaitStage(String name, String stage) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (true) {
            String body = owner.send(HttpRequest.newBuilder(console("models/hub/downloads")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            JsonObject download = Json.createReader(new StringReader(body)).readObject().getJsonArray("downloads")
                    .getValuesAs(JsonObject.class).stream().filter(d -> d.getString("name").equals(name))
                    .findFirst().orElseThrow(() -> new AssertionError("no download of " + name + ": " + body));
            if (download.getString("stage").equals(stage)) {
                return download;
            }
            if (!download.getString("stage").equals("RUNNING") || System.nanoTime() > deadline) {
                throw new AssertionError("expected " + stage + ": " + download + "\n" + host.serverLogTail());
            }
            Thread.sleep(200);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(Condition condition, String what) throws Exception {
        long deadline = System.nanoTime() + ANSWER.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " within " + ANSWER + "; models folder: " + modelFolderEntries()
                        + "\n" + host.serverLogTail());
            }
            Thread.sleep(100);
        }
    }

    private static List<String> modelFolderEntries() throws IOException {
        try (Stream<Path> files = Files.list(models)) {
            return files.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }

    /** Signs in as the console's owner with the password the first start printed; keeps the session cookie. */
    private static HttpClient signedInOwner(String password) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(host.trustingOnlyTheHostCa())
                .cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(20)).build();
        assertTrue(http.send(HttpRequest.newBuilder(console("")).build(), HttpResponse.BodyHandlers.ofString())
                .body().contains("j_security_check"));
        String form = "j_username=admin&j_password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
        HttpResponse<String> signedIn = http.send(HttpRequest.newBuilder(signIn())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertFalse(signedIn.body().contains("j_security_check"), "signed in: " + signedIn.body());
        return http;
    }

    private static String sessionCookie() {
        return ((CookieManager) owner.cookieHandler().orElseThrow()).getCookieStore().getCookies().stream()
                .filter(cookie -> cookie.getName().equals("JSESSIONID")).findFirst()
                .map(cookie -> cookie.getName() + "=" + cookie.getValue()).orElseThrow();
    }

    /** Where the login form posts (docs/console.md: the one path that checks a password). */
    private static URI signIn() {
        return URI.create("https://127.0.0.1:" + host.httpsPort + "/j_security_check");
    }

    private static URI console(String path) {
        return URI.create("https://127.0.0.1:" + host.httpsPort + "/console/" + path);
    }

    private static HttpRequest.Builder upload(String name) {
        return HttpRequest.newBuilder(console("models/upload?name=" + name)).timeout(Duration.ofMinutes(5))
                .header(GUARD_HEADER, "1").header("Content-Type", "application/octet-stream");
    }

    /** HTTP/1.1 by hand: the tests decide how much of the body is sent, and when. */
    private static SSLSocket openSocket() throws Exception {
        SSLSocket socket = (SSLSocket) host.trustingOnlyTheHostCa().getSocketFactory()
                .createSocket("127.0.0.1", host.httpsPort);
        socket.setSoTimeout((int) ANSWER.toMillis());
        socket.startHandshake();
        return socket;
    }

    private static void sendHead(SSLSocket socket, String name, long contentLength, String cookie) throws IOException {
        String head = "PUT /console/models/upload?name=" + name + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + host.httpsPort + "\r\n"
                + GUARD_HEADER + ": 1\r\n"
                + "Content-Type: application/octet-stream\r\n"
                + "Content-Length: " + contentLength + "\r\n"
                + (cookie == null ? "" : "Cookie: " + cookie + "\r\n")
                + "\r\n";
        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /**
     * The answer's status line, headers and as much of its body as arrives before the connection ends or the answer
     * pauses for 2 s; empty when the host closed the connection without an answer.
     */
    private static String readAnswer(SSLSocket socket) throws IOException {
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
                throw new AssertionError("no answer within " + ANSWER);
            }
        } catch (java.net.SocketException closed) {
            // the host closed the connection: what it sent before is the answer
        }
        return answer.toString(StandardCharsets.UTF_8);
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}

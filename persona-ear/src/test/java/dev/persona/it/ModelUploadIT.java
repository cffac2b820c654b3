package dev.persona.it;

import dev.persona.testkit.Directories;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
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
import dev.persona.testkit.OwnerConsole;
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
    /** The bound on request bodies this host runs with (PERSONA_HTTP_MAX_BODY_KIB), below WildFly's 10 MiB. */
    private static final int BOUND_KIB = 1024;
    private static PersonaHost host;
    private static Path models;
    private static Path realSizeModel;
    private static OwnerConsole ownerConsole;
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
        Directories.deleteRecursively(host.dataDirectory);
        String password = host.start().consolePassword();
        models = host.dataDirectory.resolve("models");
        Path generated = Files.createDirectories(Path.of("target/it-models").toAbsolutePath());
        realSizeModel = generated.resolve("persona-small.gguf");
        TinyModelGenerator.generate(models.resolve("persona-tiny.gguf"), realSizeModel, 7,
                TinyModelGenerator.Shape.SMALL);
        ownerConsole = OwnerConsole.signIn(host, password);
        owner = ownerConsole.http();
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
        try (SSLSocket socket = OwnerConsole.openSocket(host, ANSWER)) {
            OwnerConsole.sendUploadHead(socket, host, "stranger.gguf", 5_000_000_000L, null);
            String answer = OwnerConsole.readAnswer(socket);
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

        HttpResponse<String> response = owner.send(ownerConsole.upload("persona-small.gguf")
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
        String page = owner.send(HttpRequest.newBuilder(ownerConsole.uri("models.xhtml")).build(),
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
        try (SSLSocket socket = OwnerConsole.openSocket(host, ANSWER)) {
            OwnerConsole.sendUploadHead(socket, host, "too-large.gguf", declared, ownerConsole.sessionCookie());
            String answer = OwnerConsole.readAnswer(socket);
            assertTrue(answer.startsWith("HTTP/1.1 507"), answer);
            assertTrue(answer.contains("too-large.gguf needs") && answer.contains("free"), answer);
        }
        assertEquals(List.of("persona-small.gguf", "persona-tiny.gguf"), modelFolderEntries());
    }

    @Test
    @Order(4)
    void anUploadThatBreaksOffLeavesNoFile() throws Exception {
        long declared = 200L << 20;
        try (SSLSocket socket = OwnerConsole.openSocket(host, ANSWER)) {
            OwnerConsole.sendUploadHead(socket, host, "broken.gguf", declared, ownerConsole.sessionCookie());
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
            assertFalse(owner.send(HttpRequest.newBuilder(ownerConsole.uri("models.xhtml")).build(),
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
        try (SSLSocket socket = OwnerConsole.openSocket(host, ANSWER)) {
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
            answer = OwnerConsole.readAnswer(socket);
        }
        assertTrue(answer.startsWith("HTTP/1.1 413 "), "a body beyond the bound is refused, not read: " + answer);

        // The same over HTTP/2, as browsers speak it: 413, or the connection closed while the client still sends.
        HttpClient http2 = HttpClient.newBuilder().sslContext(host.trustingOnlyTheHostCa()).build();
        try {
            HttpResponse<String> refused = http2.send(HttpRequest.newBuilder(ownerConsole.signInUri())
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
        String page = owner.send(HttpRequest.newBuilder(ownerConsole.uri("models.xhtml")).build(),
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
        HttpResponse<String> files = owner.send(HttpRequest.newBuilder(ownerConsole.uri("models/hub/files?repo=" + HUB_REPO))
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
        return owner.send(HttpRequest.newBuilder(ownerConsole.uri("models/hub/downloads?repo=" + repo + "&file=" + file))
                .header("X-Persona-Request", "1").POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The download of {@code name} once it reached {@code stage}; a download that ends otherwise fails the test. */
    private static JsonObject awaitStage(String name, String stage) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (true) {
            String body = owner.send(HttpRequest.newBuilder(ownerConsole.uri("models/hub/downloads")).build(),
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

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}

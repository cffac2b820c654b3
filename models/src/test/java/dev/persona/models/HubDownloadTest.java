package dev.persona.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.persona.models.HubDownload.Failure;
import dev.persona.models.HubDownload.FailedException;
import dev.persona.models.HubDownload.Request;
import dev.persona.settings.InvalidSettingException;
import dev.persona.settings.SettingSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** {@link HubDownload} against {@link HubFixture}, the fixture standing in for the public hub. */
class HubDownloadTest {

    private static final String REPO = "persona/tiny-GGUF";
    private static final String FILE = "persona-tiny-f32.gguf";
    @TempDir
    static Path generated;
    static byte[] model;

    @TempDir
    Path dir;
    Path folder;
    HubFixture hub;

    @BeforeAll
    static void generate() throws IOException {
        Path file = generated.resolve("tiny.gguf");
        TinyModelGenerator.generate(SyntheticVocabulary.write(generated.resolve("vocab.gguf")), file, 3);
        model = Files.readAllBytes(file);
    }

    @BeforeEach
    void startHub() throws IOException {
        folder = Files.createDirectory(dir.resolve("models"));
        hub = new HubFixture().add(REPO, FILE, model).add(REPO, "README.md", "# tiny".getBytes());
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    private HubDownload download(Optional<String> token) {
        return new HubDownload(hub.url(), token, folder);
    }

    private HubDownload.Done pull(Request request) throws IOException {
        return download(Optional.empty()).download(request, progress -> { }, () -> false);
    }

    @Test
    void aFileArrivesWithTheHubsChecksumThroughTheRedirectAndTheTokenStaysWithTheHub() throws Exception {
        hub.privateRepo(REPO, "secret-token");
        List<HubDownload.Progress> seen = new java.util.concurrent.CopyOnWriteArrayList<>();

        HubDownload.Done done = download(Optional.of("secret-token")).download(new Request(REPO, FILE), seen::add,
                () -> false);

        assertEquals(new HubDownload.Done(FILE, model.length, HubFixture.sha256(model), HubFixture.COMMIT), done);
        assertEquals(-1, Files.mismatch(folder.resolve(FILE), generated.resolve("tiny.gguf")));
        assertEquals(List.of(FILE), entries(), "no part file left");
        assertEquals(new HubDownload.Progress(model.length, model.length, 0), seen.get(seen.size() - 1));
        assertEquals(List.of("HEAD /" + REPO + "/resolve/main/" + FILE + " Authorization"),
                hub.requestsTo("/" + REPO), "the HEAD carries the token");
        assertEquals(List.of("GET /cdn/" + HubFixture.sha256(model)), hub.requestsTo("/cdn/"),
                "the redirect's address, another origin in the real hub's case, gets no token");
    }

    @Test
    void aDownloadThatBrokeOffResumesWithARangeWhereItStopped() throws Exception {
        hub.dropNextAfter(model.length / 3);

        FailedException lost = assertFails(Failure.CONNECTION_LOST, () -> pull(new Request(REPO, FILE)));
        assertTrue(lost.getMessage().contains("pull it again to resume"), lost.getMessage());
        List<String> left = entries();
        assertEquals(1, left.size(), left.toString());
        assertTrue(HubDownload.isPartFile(folder.resolve(left.get(0))), left.toString());
        long kept = Files.size(folder.resolve(left.get(0)));
        // TCP may lose the last bytes before the cut: what arrived is kept, and the resume starts there.
        assertTrue(kept > 0 && kept <= model.length / 3, "what arrived is kept: " + kept);
        assertTrue(new ModelCatalog(folder).scan().models().isEmpty(), "the part file is not listed as a model");

        HubDownload.Done done = pull(new Request(REPO, FILE));

        assertEquals(HubFixture.sha256(model), done.sha256());
        assertEquals(-1, Files.mismatch(folder.resolve(FILE), generated.resolve("tiny.gguf")));
        assertEquals(List.of(FILE), entries());
        assertEquals("GET /cdn/" + HubFixture.sha256(model) + " Range: bytes=" + kept + "-",
                hub.requestsTo("/cdn/").get(1), "the second attempt asks for the rest only");
    }

    @Test
    void bytesThatDoNotHaveTheHubsChecksumAreNotKept() throws Exception {
        hub.serveOtherBytes(true);

        FailedException mismatch = assertFails(Failure.CHECKSUM_MISMATCH, () -> pull(new Request(REPO, FILE)));

        assertTrue(mismatch.getMessage().contains("the hub says " + HubFixture.sha256(model)), mismatch.getMessage());
        assertEquals(List.of(), entries(), "neither the file nor a part file");
    }

    @Test
    void theHubsRefusalsAreToldApart() throws Exception {
        hub.privateRepo("persona/private-GGUF", "right").add("persona/private-GGUF", FILE, model);
        hub.gated(REPO);

        FailedException unauthorized = assertFails(Failure.UNAUTHORIZED,
                () -> pull(new Request("persona/private-GGUF", FILE)));
        assertTrue(unauthorized.getMessage().contains("set PERSONA_HUB_TOKEN"), unauthorized.getMessage());
        FailedException wrongToken = assertFails(Failure.UNAUTHORIZED, () -> download(Optional.of("wrong"))
                .download(new Request("persona/private-GGUF", FILE), p -> { }, () -> false));
        assertFalse(wrongToken.getMessage().contains("wrong"), "no message holds the token");
        assertTrue(assertFails(Failure.GATED, () -> pull(new Request(REPO, FILE))).getMessage()
                .contains("gated"));
        assertFails(Failure.UNAUTHORIZED, () -> pull(new Request("persona/private-GGUF", "other.gguf", null)));
        assertTrue(assertFails(Failure.NOT_FOUND, () -> download(Optional.of("right"))
                .download(new Request("persona/private-GGUF", "other.gguf"), p -> { }, () -> false))
                .getMessage().contains("EntryNotFound"));
        assertEquals(List.of(), entries());
        assertEquals(List.of(), hub.requestsTo("/cdn/"), "no byte was asked for");
    }

    @Test
    void aFileTheDiskCannotHoldIsRefusedBeforeTheFirstByte() throws Exception {
        hub.announceSize(Files.getFileStore(folder).getUsableSpace() + (1L << 30));

        ModelUpload.RefusedException refused = assertThrows(ModelUpload.RefusedException.class,
                () -> pull(new Request(REPO, FILE)));

        assertEquals(ModelUpload.Refusal.NO_SPACE, refused.refusal());
        assertTrue(refused.getMessage().contains(FILE + " needs"), refused.getMessage());
        assertEquals(List.of(), hub.requestsTo("/cdn/"));
        assertEquals(List.of(), entries(), "no part file either");
    }

    @Test
    void aDiskThatFillsUpWhileWritingIsToldAsSuchAndTheDownloadResumesOnceThereIsSpace() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a small tmpfs needs root");
        Path small = Files.createDirectory(dir.resolve("small"));
        assumeTrue(new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", small.toString())
                .inheritIO().start().waitFor() == 0, "mount -t tmpfs failed");
        try {
            Path models = Files.createDirectory(small.resolve("models"));
            // 8 MiB are free when the download starts; while it runs (slowly), something else fills the disk.
            hub.throttle(model.length / 3);
            CompletableFuture<Void> filled = CompletableFuture.runAsync(() -> {
                awaitTrue(() -> partFileHolds(models));
                fill(small.resolve("filler"));
            });
            ModelUpload.RefusedException full = assertThrows(ModelUpload.RefusedException.class,
                    () -> new HubDownload(hub.url(), Optional.empty(), models)
                            .download(new Request(REPO, FILE), p -> { }, () -> false));
            filled.get(30, TimeUnit.SECONDS);

            assertEquals(ModelUpload.Refusal.NO_SPACE, full.refusal(), full.getMessage());
            assertTrue(full.getMessage().contains("free some space and pull again to resume"), full.getMessage());
            List<Path> parts;
            try (Stream<Path> files = Files.list(models)) {
                parts = files.toList();
            }
            assertEquals(1, parts.size());
            assertTrue(HubDownload.isPartFile(parts.get(0)) && Files.size(parts.get(0)) > 0, parts.toString());

            Files.delete(small.resolve("filler"));
            hub.throttle(-1);
            HubDownload.Done done = new HubDownload(hub.url(), Optional.empty(), models)
                    .download(new Request(REPO, FILE), p -> { }, () -> false);
            assertEquals(HubFixture.sha256(model), done.sha256());
            assertTrue(hub.requestsTo("/cdn/").get(1).contains("Range: bytes="), hub.requests.toString());
        } finally {
            new ProcessBuilder("umount", small.toString()).inheritIO().start().waitFor();
        }
    }

    /** Whether a download's part file in {@code folder} holds bytes. */
    private static boolean partFileHolds(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(HubDownload::isPartFile).toList()) {
                if (Files.size(file) > 0) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private static void fill(Path filler) {
        byte[] block = new byte[1 << 16];
        try (var out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            // the disk is full
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void aSecondDownloadOfTheSameFileIsRefusedWhileTheFirstRuns() throws Exception {
        hub.throttle(model.length / 3);
        CompletableFuture<HubDownload.Done> first = CompletableFuture.supplyAsync(() -> {
            try {
                return pull(new Request(REPO, FILE));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        awaitTrue(() -> !hub.requestsTo("/cdn/").isEmpty());
        assertFalse(first.isDone(), "the first download is running (about 3 s)");

        FailedException busy = assertFails(Failure.BUSY, () -> pull(new Request(REPO, FILE)));

        assertTrue(busy.getMessage().contains("being downloaded already"), busy.getMessage());
        assertEquals(HubFixture.sha256(model), first.get(60, TimeUnit.SECONDS).sha256());
        assertEquals(List.of(FILE), entries());
    }

    @Test
    void aCancelledDownloadLeavesNothing() throws Exception {
        hub.throttle(model.length / 3);
        FailedException cancelled = assertFails(Failure.CANCELLED, () -> download(Optional.empty())
                .download(new Request(REPO, FILE), p -> { }, () -> !hub.requestsTo("/cdn/").isEmpty()));
        assertTrue(cancelled.getMessage().contains("cancelled"));
        assertEquals(List.of(), entries());
    }

    @Test
    void aDownloadThatStallsIsGivenUpAsLostAndResumes() throws Exception {
        hub.stallNextAfter(model.length / 4);
        long started = System.nanoTime();

        FailedException stalled = assertFails(Failure.CONNECTION_LOST, () -> new HubDownload(hub.url(),
                Optional.empty(), folder, Duration.ofSeconds(1)).download(new Request(REPO, FILE), p -> { },
                () -> false));

        assertTrue(stalled.getMessage().startsWith("No data came from the hub for 1 s after "), stalled.getMessage());
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(20), "given up soon after a second");
        assertEquals(1, entries().size(), "what arrived is kept: " + entries());
        assertEquals(HubFixture.sha256(model), pull(new Request(REPO, FILE)).sha256());
        assertEquals(List.of(FILE), entries());
    }

    @Test
    void aCancelWhileTheHubIsSilentEndsTheDownloadAtOnce() throws Exception {
        hub.stallNextAfter(model.length / 4);
        long started = System.nanoTime();
        // The owner presses Cancel a second after the bytes began, while the hub sends nothing more.
        java.util.function.BooleanSupplier cancel = () -> !hub.requestsTo("/cdn/").isEmpty()
                && System.nanoTime() - started > TimeUnit.SECONDS.toNanos(1);

        FailedException cancelled = assertFails(Failure.CANCELLED, () -> download(Optional.empty())
                .download(new Request(REPO, FILE), p -> { }, cancel));

        assertTrue(cancelled.getMessage().contains("cancelled"), cancelled.getMessage());
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(20),
                "the cancel did not wait for the 60 s stall limit");
        assertEquals(List.of(), entries());
    }

    @Test
    void badNamesAreRefusedBeforeTheHubIsAsked() {
        assertThrows(IllegalArgumentException.class, () -> new Request("no-owner", FILE));
        assertThrows(IllegalArgumentException.class, () -> new Request("../etc", FILE));
        assertThrows(IllegalArgumentException.class, () -> new Request(REPO, "../../passwd"));
        assertThrows(IllegalArgumentException.class, () -> new Request(REPO, FILE, "../main"));
        assertEquals(ModelUpload.Refusal.BAD_NAME, assertThrows(ModelUpload.RefusedException.class,
                () -> pull(new Request(REPO, "README.md"))).refusal());
        assertEquals(List.of(), hub.requests);
    }

    private static FailedException assertFails(Failure failure, Executable download) {
        FailedException failed = assertThrows(FailedException.class, download);
        assertEquals(failure, failed.failure(), failed.getMessage());
        return failed;
    }

    private List<String> entries() throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theHubSettingIsAnHttpAddress() {
        assertEquals(HubDownload.PUBLIC_HUB, HubDownload.HUB_URL.from(SettingSource.of(Map.of())));
        assertEquals("https://mirror.example/hub", HubDownload.HUB_URL
                .from(SettingSource.of(Map.of("persona.hub.url", " https://mirror.example/hub "))).toString());
        InvalidSettingException bad = assertThrows(InvalidSettingException.class, () -> HubDownload.HUB_URL
                .from(SettingSource.of(Map.of("persona.hub.url", "file:///etc"))));
        assertEquals("PERSONA_HUB_URL = 'file:///etc': expected an http or https address such as"
                + " https://huggingface.co.", bad.getMessage());
        assertEquals(Optional.of("hf_token"), HubDownload.HUB_TOKEN
                .given(SettingSource.of(Map.of("persona.hub.token", "hf_token"))));
        assertEquals(Optional.empty(), HubDownload.HUB_TOKEN.given(SettingSource.of(Map.of())));
    }
}

package dev.persona.host.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.persona.models.HubDownload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HubDownloadsTest {

    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final LinkedBlockingQueue<HubDownloads.Status> finished = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void oneDownloadPerFileNameItsProgressAndItsOutcome() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        HubDownloads downloads = new HubDownloads((request, listener, cancelled) -> {
            listener.progress(new HubDownload.Progress(50, 200, 10));
            release.await();
            return new HubDownload.Done(request.fileName(), 200, "ab".repeat(32), "c0ffee");
        }, executor);
        HubDownload.Request request = new HubDownload.Request("owner/repo", "dir/model.gguf");

        assertTrue(downloads.start(request, finished::add).isPresent());
        assertTrue(downloads.start(new HubDownload.Request("other/repo", "model.gguf"), finished::add).isEmpty(),
                "the same file name is being downloaded");
        awaitPercent(downloads, "model.gguf", 25);

        release.countDown();
        HubDownloads.Status done = finished.poll(10, TimeUnit.SECONDS);
        assertEquals(HubDownloads.Stage.DONE, done.stage());
        assertEquals(100, done.percent());
        assertTrue(done.message().contains("commit c0ffee"), done.message());
        assertTrue(downloads.start(request, finished::add).isPresent(), "again once the first ended");
    }

    @Test
    void aFailureKeepsItsMessageAndACancelReachesTheDownload() throws Exception {
        HubDownloads downloads = new HubDownloads((request, listener, cancelled) -> {
            if (request.repo().equals("owner/gated")) {
                throw new HubDownload.FailedException(HubDownload.Failure.GATED, "gated, accept its conditions");
            }
            while (!cancelled.getAsBoolean()) {
                Thread.sleep(5);
            }
            throw new HubDownload.FailedException(HubDownload.Failure.CANCELLED, "cancelled");
        }, executor);

        downloads.start(new HubDownload.Request("owner/gated", "a.gguf"), finished::add);
        HubDownloads.Status failed = finished.poll(10, TimeUnit.SECONDS);
        assertEquals(HubDownloads.Stage.FAILED, failed.stage());
        assertEquals("gated, accept its conditions", failed.message());

        downloads.start(new HubDownload.Request("owner/repo", "b.gguf"), finished::add);
        assertTrue(downloads.cancel("b.gguf"));
        assertEquals(HubDownloads.Stage.CANCELLED, finished.poll(10, TimeUnit.SECONDS).stage());
        assertFalse(downloads.cancel("b.gguf"), "nothing runs any more");
        assertEquals(List.of("b.gguf", "a.gguf"), downloads.all().stream().map(HubDownloads.Status::fileName)
                .toList());
    }

    private static void awaitPercent(HubDownloads downloads, String name, int percent) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (downloads.of(name).orElseThrow().percent() != percent) {
            assertTrue(System.nanoTime() < deadline, "progress " + percent + "%");
            Thread.sleep(5);
        }
    }
}

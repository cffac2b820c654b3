package dev.persona.host.models;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import dev.persona.models.HubDownload;

/**
 * The hub downloads this host runs, one per file name at a time, each on a thread of the given executor, with the
 * progress and outcome the console shows. Plain Java: {@link ModelLibrary} gives it the container's executor.
 */
public final class HubDownloads {

    /** Where a download stands. */
    public enum Stage { RUNNING, DONE, FAILED, CANCELLED }

    /**
     * One download as the console shows it.
     *
     * @param repo           the hub repository
     * @param file           the file's path in it
     * @param fileName       the name it gets in the models folder
     * @param stage          where it stands
     * @param done           bytes so far
     * @param total          of how many (0 until the hub said it)
     * @param bytesPerSecond the rate of this attempt so far
     * @param progress       the same in words, e.g. "120.5 MiB of 263.7 MiB, 12.3 MiB/s, 12 s left"
     * @param message        the outcome or the failure, for the owner; empty while running
     */
    public record Status(String repo, String file, String fileName, Stage stage, long done, long total,
                         long bytesPerSecond, String progress, String message) {

        static Status of(HubDownload.Request request, Stage stage, HubDownload.Progress progress, String message) {
            return new Status(request.repo(), request.file(), request.fileName(), stage, progress.done(),
                    progress.total(), progress.bytesPerSecond(), progress.describe(), message);
        }

        /** Percent done, 0 to 100. */
        public int percent() {
            return total <= 0 ? 0 : (int) (100 * done / total);
        }
    }

    /** What runs one download: {@link HubDownload#download} in the host. */
    @FunctionalInterface
    public interface Fetch {
        HubDownload.Done run(HubDownload.Request request, HubDownload.Listener listener,
                             java.util.function.BooleanSupplier cancelled) throws IOException, InterruptedException;
    }

    private static final class Entry {
        final HubDownload.Request request;
        volatile Stage stage = Stage.RUNNING;
        volatile HubDownload.Progress progress = new HubDownload.Progress(0, 0, 0);
        volatile String message = "";
        volatile boolean cancel;
        final long started = System.nanoTime();

        Entry(HubDownload.Request request) {
            this.request = request;
        }

        Status status() {
            return Status.of(request, stage, progress, message);
        }
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Fetch fetch;
    private final Executor executor;

    public HubDownloads(Fetch fetch, Executor executor) {
        this.fetch = fetch;
        this.executor = executor;
    }

    /**
     * Starts downloading; {@code finished} is told the outcome's status on the download's thread.
     *
     * @return empty when a download of the same file name is running (nothing started), else its first status
     */
    public Optional<Status> start(HubDownload.Request request, Consumer<Status> finished) {
        Entry entry = new Entry(request);
        Entry running = entries.compute(request.fileName(), (name, earlier) ->
                earlier != null && earlier.stage == Stage.RUNNING ? earlier : entry);
        if (running != entry) {
            return Optional.empty();
        }
        try {
            executor.execute(() -> run(entry, finished));
        } catch (RejectedExecutionException e) {
            entry.stage = Stage.FAILED;
            entry.message = "The host could not start the download: " + e.getMessage();
        }
        return Optional.of(entry.status());
    }

    private void run(Entry entry, Consumer<Status> finished) {
        try {
            HubDownload.Done done = fetch.run(entry.request, progress -> entry.progress = progress,
                    () -> entry.cancel);
            entry.progress = new HubDownload.Progress(done.size(), done.size(), 0);
            entry.message = "Downloaded " + done.fileName() + " (SHA-256 " + done.sha256() + " as the hub says"
                    + (done.commit() == null ? "" : ", commit " + done.commit()) + ").";
            entry.stage = Stage.DONE;
        } catch (HubDownload.FailedException e) {
            entry.message = e.getMessage();
            entry.stage = e.failure() == HubDownload.Failure.CANCELLED ? Stage.CANCELLED : Stage.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            entry.message = "The download of " + entry.request.fileName() + " was interrupted (the host is"
                    + " stopping); pull it again to resume.";
            entry.stage = Stage.FAILED;
        } catch (IOException | RuntimeException e) {
            entry.message = e.getMessage() == null ? e.toString() : e.getMessage();
            entry.stage = Stage.FAILED;
        }
        finished.accept(entry.status());
    }

    /** Asks the running download of {@code fileName} to stop; it deletes what arrived. */
    public boolean cancel(String fileName) {
        Entry entry = entries.get(fileName);
        if (entry == null || entry.stage != Stage.RUNNING) {
            return false;
        }
        entry.cancel = true;
        return true;
    }

    /** Every download since the host started, the latest first. */
    public List<Status> all() {
        List<Entry> list = new ArrayList<>(entries.values());
        list.sort(Comparator.comparingLong((Entry e) -> e.started).reversed());
        return list.stream().map(Entry::status).toList();
    }

    public Optional<Status> of(String fileName) {
        return Optional.ofNullable(entries.get(fileName)).map(Entry::status);
    }
}

package dev.persona.plugins;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The bundled plugins for the lifetime of an application: compiled once in the background
 * ({@link PluginCatalog#bundled}, a few seconds on a slow machine; {@link #catalog()} waits for it), and the
 * {@link PluginRunner} that runs their calls within one set of {@link PluginLimits}. The caller gives the threads:
 * {@code compiler} runs the compilation, {@code watchdogs} the runner's time limits (in a server, the container's
 * executors).
 */
public final class PluginRuntime {

    private final PluginRunner runner;
    private final long started = System.nanoTime();
    private final CompletableFuture<PluginCatalog> catalog;
    private final CompletableFuture<Duration> compiled;

    public PluginRuntime(Executor compiler, ScheduledExecutorService watchdogs, PluginLimits limits) {
        this.runner = new PluginRunner(watchdogs, limits);
        this.catalog = CompletableFuture.supplyAsync(PluginCatalog::bundled, compiler);
        this.compiled = catalog.thenApply(done -> Duration.ofNanos(System.nanoTime() - started));
    }

    /**
     * The bundled plugins; waits for their compilation.
     *
     * @throws CompletionException when it failed, with the cause
     */
    public PluginCatalog catalog() {
        return catalog.join();
    }

    /** How long the compilation took, once it is done; completes exceptionally when it failed. */
    public CompletableFuture<Duration> compiled() {
        return compiled;
    }

    public PluginRunner runner() {
        return runner;
    }
}

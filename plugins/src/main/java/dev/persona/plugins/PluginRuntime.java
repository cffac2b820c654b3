package dev.persona.plugins;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The bundled plugins for the lifetime of an application: compiled once in the background
 * ({@link PluginCatalog#bundled}, a few seconds on a slow machine), and the {@link PluginRunner} that runs their
 * calls within one set of {@link PluginLimits}. The compilation starts {@code compileAfter} after construction, so
 * that it does not compete with the rest of a server's start for the CPU, or at once when {@link #catalog()} is asked
 * for first (it then waits for it). The caller gives the threads: {@code compiler} runs the compilation,
 * {@code timers} the delay and the runner's time limits (in a server, the container's executors).
 */
public final class PluginRuntime {

    private final PluginRunner runner;
    private final Executor compiler;
    private final AtomicBoolean begun = new AtomicBoolean();
    private final CompletableFuture<PluginCatalog> catalog = new CompletableFuture<>();
    private final CompletableFuture<Duration> compiled;
    private volatile long started;

    public PluginRuntime(Executor compiler, ScheduledExecutorService timers, PluginLimits limits,
            Duration compileAfter) {
        this.runner = new PluginRunner(timers, limits);
        this.compiler = compiler;
        this.compiled = catalog.thenApply(done -> Duration.ofNanos(System.nanoTime() - started));
        if (compileAfter.isZero() || compileAfter.isNegative()) {
            compile();
        } else {
            timers.schedule(this::compile, compileAfter.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Starts the compilation unless it has started already. */
    private void compile() {
        if (!begun.compareAndSet(false, true)) {
            return;
        }
        started = System.nanoTime();
        try {
            compiler.execute(() -> {
                try {
                    catalog.complete(PluginCatalog.bundled());
                } catch (RuntimeException | Error e) {
                    catalog.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            catalog.completeExceptionally(e);
        }
    }

    /**
     * The bundled plugins; starts their compilation if it has not started yet, and waits for it.
     *
     * @throws CompletionException when it failed, with the cause
     */
    public PluginCatalog catalog() {
        compile();
        return catalog.join();
    }

    /** How long the compilation took from its start, once it is done; completes exceptionally when it failed. */
    public CompletableFuture<Duration> compiled() {
        return compiled;
    }

    public PluginRunner runner() {
        return runner;
    }
}

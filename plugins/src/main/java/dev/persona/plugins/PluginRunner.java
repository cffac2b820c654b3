package dev.persona.plugins;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs plugin calls within {@link PluginLimits}: each call gets a fresh instance and runs on the calling thread (a
 * hand-over to another thread would cost a scheduling delay per call); a watchdog on the given scheduler (in the
 * server a {@code ManagedScheduledExecutorService}) interrupts that thread at the time limit, which Chicory's
 * compiled code and interpreter check, and the call ends as {@link PluginOutcome#TIMEOUT}. Nothing a module does
 * escapes as an exception: every ending is a {@link PluginResult} whose text says what happened.
 */
public final class PluginRunner {

    /** Exit status of a call whose stdout is the function's error message (docs/plugins.md). */
    static final int TOOL_ERROR_EXIT = 2;

    private final ScheduledExecutorService watchdogs;
    private final PluginLimits limits;

    public PluginRunner(ScheduledExecutorService watchdogs, PluginLimits limits) {
        this.watchdogs = watchdogs;
        this.limits = limits;
    }

    /** Runs the call on this thread; it ends at the time limit at the latest (plus the moment the guest needs to notice). */
    public PluginResult run(PluginCall call) {
        long started = System.nanoTime();
        Watchdog watchdog = new Watchdog(Thread.currentThread());
        watchdog.armed = watchdogs.schedule(watchdog::bite, limits.timeout().toNanos(), TimeUnit.NANOSECONDS);
        PluginResult result;
        try {
            result = execute(call, started);
        } catch (IOException | RuntimeException e) {
            result = result(PluginOutcome.TRAP, call.plugin().name() + " failed in the host: " + e, started);
        } finally {
            watchdog.disarm();
        }
        // An interrupt that hit a host call (a file write) surfaces as an I/O error inside the module: still a timeout.
        return watchdog.bitten() && !result.ok() ? timeout(call.plugin().name(), started) : result;
    }

    private PluginResult timeout(String name, long started) {
        return result(PluginOutcome.TIMEOUT, name + " ran longer than " + limits.timeout().toMillis()
                + " ms and was stopped", started);
    }

    /** Interrupts the calling thread at the time limit unless the call ended before; never leaves a stray interrupt. */
    private static final class Watchdog {
        private final Thread caller;
        private boolean finished;
        private boolean bitten;
        volatile ScheduledFuture<?> armed;

        Watchdog(Thread caller) {
            this.caller = caller;
        }

        synchronized void bite() {
            if (!finished) {
                bitten = true;
                caller.interrupt();
            }
        }

        synchronized boolean bitten() {
            return bitten;
        }

        void disarm() {
            armed.cancel(false);
            synchronized (this) {
                finished = true;
                if (bitten) {
                    Thread.interrupted();
                }
            }
        }
    }

    private PluginResult execute(PluginCall call, long started) throws IOException {
        String name = call.plugin().name();
        MemoryLimits memory = call.plugin().memoryLimits(limits.memoryPages());
        if (memory == null) {
            return result(PluginOutcome.MEMORY_LIMIT, name + " needs more memory at start than the limit of "
                    + mebibytes(limits.memoryBytes()) + " allows", started);
        }
        long remaining = 0;
        WasiOptions.Builder options = WasiOptions.builder();
        if (call.folder() != null) {
            Files.createDirectories(call.folder());
            FolderGuard.Inspection folder = FolderGuard.inspect(call.folder());
            if (folder.link() != null) {
                return result(PluginOutcome.SANDBOX, "the folder holds a link or special file ('" + folder.link()
                        + "'); plugins do not run on folders with links: remove it", started);
            }
            remaining = Math.max(0, limits.folderBytes() - folder.bytes());
            options.withDirectory("/", call.folder());
        }
        BoundedOutput stdout = new BoundedOutput(limits.outputBytes());
        BoundedOutput stderr = new BoundedOutput(limits.outputBytes());
        List<String> arguments = new ArrayList<>();
        arguments.add(name);
        arguments.add(call.function());
        new TreeMap<>(call.arguments()).forEach((key, value) -> arguments.add(key + "=" + value));
        options.withArguments(arguments).withStdout(stdout).withStderr(stderr)
                .withStdin(new ByteArrayInputStream(new byte[0]));
        for (Map.Entry<String, String> variable : new TreeMap<>(call.environment()).entrySet()) {
            options.withEnvironment(variable.getKey(), variable.getValue());
        }
        try (WasiPreview1 wasi = WasiPreview1.builder().withOptions(options.build()).build()) {
            SandboxedWasi sandbox = new SandboxedWasi(wasi, remaining);
            Instance instance = null;
            int exit;
            try {
                instance = Instance.builder(call.plugin().module())
                        .withMachineFactory(call.plugin().machines())
                        .withImportValues(sandbox.imports())
                        .withMemoryLimits(memory)
                        .withStart(false)
                        .build();
                instance.export("_start").apply();
                exit = 0;
            } catch (WasiExitException e) {
                exit = e.exitCode();
            } catch (ChicoryInterruptedException e) {
                return timeout(name, started);
            } catch (ChicoryException | StackOverflowError e) {
                return trap(name, instance, memory, e, started);
            }
            if (stdout.exceeded() || stderr.exceeded()) {
                return result(PluginOutcome.OUTPUT_LIMIT, name + " wrote more than " + limits.outputBytes()
                        + " bytes of output; it was cut off", started);
            }
            if (sandbox.quotaHit()) {
                return result(PluginOutcome.FOLDER_QUOTA, "the folder would exceed its quota of "
                        + mebibytes(limits.folderBytes()) + "; nothing more was written ("
                        + stdout.text().strip() + ")", started);
            }
            if (exit == 0) {
                return result(PluginOutcome.OK, stdout.text(), started);
            }
            if (exit == TOOL_ERROR_EXIT) {
                return result(PluginOutcome.TOOL_ERROR, stdout.text(), started);
            }
            return result(PluginOutcome.TRAP, name + " exited with status " + exit + describe(stderr), started);
        }
    }

    private PluginResult trap(String name, Instance instance, MemoryLimits memory, Throwable error, long started) {
        if (instance != null && atLimit(instance, memory)) {
            return result(PluginOutcome.MEMORY_LIMIT, name + " ran out of its memory limit of "
                    + mebibytes(limits.memoryBytes()) + " and was stopped", started);
        }
        String reason = error instanceof StackOverflowError ? "call stack exhausted" : error.getMessage();
        return result(PluginOutcome.TRAP, name + " crashed (WebAssembly trap: " + reason + ")", started);
    }

    /**
     * Whether the memory is within 2 MiB of its maximum: a Rust module whose allocation fails aborts with a trap, so a
     * trap with memory that full is taken as running out of memory.
     */
    private static boolean atLimit(Instance instance, MemoryLimits memory) {
        return (long) (memory.maximumPages() - instance.memory().pages()) * 65536 < (2L << 20);
    }

    private static String describe(BoundedOutput stderr) {
        String text = stderr.text().strip();
        return text.isEmpty() ? "" : ": " + text;
    }

    private static String mebibytes(long bytes) {
        return (bytes >> 20) + " MiB";
    }

    private static PluginResult result(PluginOutcome outcome, String text, long started) {
        return new PluginResult(outcome, text, (System.nanoTime() - started) / 1000);
    }
}

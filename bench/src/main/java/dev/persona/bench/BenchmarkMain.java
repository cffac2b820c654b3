package dev.persona.bench;

import java.util.Locale;

/**
 * What a benchmark's {@code main} does around its run: whatever the run started (servers under test, node,
 * browsers, llama-server) ends with it, also when it is killed; it says how long it took; and the JVM exits, so
 * that no client's thread keeps {@code bench/run} waiting.
 */
public final class BenchmarkMain {

    /** A benchmark's run. */
    public interface Run {
        void run() throws Exception;
    }

    private BenchmarkMain() {
    }

    /** Runs {@code run}, then prints "{@code name} benchmark done in ..." and exits. */
    public static void run(String name, Run run) throws Exception {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().descendants()
                .forEach(ProcessHandle::destroyForcibly), "stop-children"));
        long started = System.nanoTime();
        run.run();
        System.out.printf(Locale.ROOT, "%s benchmark done in %.1f s%n", name, (System.nanoTime() - started) / 1e9);
        System.exit(0);
    }
}

package dev.persona.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a running JVM (the host's WildFly) holds, asked from outside: its heap after a full collection through
 * {@code jcmd}, its open file descriptors and its threads from {@code /proc} (Linux).
 */
public final class JvmProcess {

    private static final Pattern HEAP_USED = Pattern.compile("total (\\d+)K, used (\\d+)K");

    private JvmProcess() {
    }

    /** Runs {@code jcmd <pid> <command...>} with this JVM's jcmd and returns its output; fails with it. */
    public static String jcmd(long pid, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd")
                .toString(), Long.toString(pid)));
        line.addAll(List.of(command));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("jcmd " + String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    /**
     * A full collection ({@code GC.run}), then the bytes of heap in use and committed ({@code GC.heap_info}): the sum
     * over its generations ("def new generation" and "tenured generation" of the serial collector the host runs
     * with; G1 prints one line for its whole heap).
     */
    public static long[] heapAfterFullCollection(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        Matcher heap = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
        long used = 0;
        long committed = 0;
        boolean found = false;
        while (heap.find()) {
            found = true;
            committed += Long.parseLong(heap.group(1)) * 1024;
            used += Long.parseLong(heap.group(2)) * 1024;
        }
        if (!found) {
            throw new IllegalStateException("no heap figures from jcmd GC.heap_info");
        }
        return new long[] {used, committed};
    }

    /** The process's open file descriptors (sockets, files, pipes): the entries of {@code /proc/<pid>/fd}. */
    public static int openDescriptors(long pid) throws IOException {
        try (Stream<Path> entries = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return (int) entries.count();
        }
    }

    /** The process's threads ({@code Threads} of {@code /proc/<pid>/status}). */
    public static int threads(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("Threads:")) {
                return Integer.parseInt(line.substring("Threads:".length()).trim());
            }
        }
        throw new IOException("no Threads in /proc/" + pid + "/status");
    }
}

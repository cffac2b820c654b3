package dev.persona.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory and CPU time of a process from {@code /proc/<pid>/status} and {@code /stat} (Linux). */
public final class ProcessMemory {

    private ProcessMemory() {
    }

    /** {@code VmRSS} in bytes: the process's resident set now. */
    public static long residentBytes(long pid) throws IOException {
        return field(pid, "VmRSS:");
    }

    /** {@code VmHWM} in bytes: the largest resident set the process has had. */
    public static long peakResidentBytes(long pid) throws IOException {
        return field(pid, "VmHWM:");
    }

    /**
     * CPU time in user and in kernel mode, in nanoseconds ({@code utime}, {@code stime} of {@code /proc/<pid>/stat},
     * counted in clock ticks of 10 ms).
     */
    public static long[] userAndSystemNanos(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long tick = 10_000_000L;
        return new long[] {Long.parseLong(fields[11]) * tick, Long.parseLong(fields[12]) * tick};
    }

    private static long field(long pid, String name) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(name)) {
                String[] parts = line.substring(name.length()).trim().split("\\s+");
                return Long.parseLong(parts[0]) * 1024;
            }
        }
        throw new IOException("no " + name + " in /proc/" + pid + "/status");
    }
}

package dev.persona.peer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Where the host peer tests write what they measured (target/host-peer-measurements.txt, also on stdout), this
 * process's resident memory and thread count for the leak checks, and the namespace's UDP drop counters.
 */
final class Measurements {

    private static final Path FILE = Path.of("target", "host-peer-measurements.txt");

    private Measurements() {
    }

    static synchronized void record(String line) {
        System.out.println("[host-peer] " + line);
        try {
            Files.writeString(FILE, line + System.lineSeparator(), StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Resident set size of this process, in KiB. */
    static long residentKib() {
        return procStatus("VmRSS:");
    }

    /** Operating system threads of this process, WebRTC's native ones included. */
    static long threads() {
        return procStatus("Threads:");
    }

    /**
     * UDP datagrams this network namespace received, and those it dropped because a socket's receive buffer was full:
     * on loopback a sender outruns a busy receiver, and SCTP then waits for retransmissions.
     */
    static UdpCounters udp() {
        try {
            List<String> udp = Files.readAllLines(Path.of("/proc/net/snmp")).stream()
                    .filter(line -> line.startsWith("Udp: ")).toList();
            List<String> names = List.of(udp.get(0).split(" "));
            String[] values = udp.get(1).split(" ");
            return new UdpCounters(Long.parseLong(values[names.indexOf("InDatagrams")]),
                    Long.parseLong(values[names.indexOf("RcvbufErrors")]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record UdpCounters(long received, long droppedForFullBuffer) {

        String since(UdpCounters before) {
            return (droppedForFullBuffer - before.droppedForFullBuffer) + " of "
                    + (received - before.received + droppedForFullBuffer - before.droppedForFullBuffer)
                    + " UDP datagrams dropped for a full receive buffer";
        }
    }

    private static long procStatus(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).replace("kB", "").strip());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("No " + field + " in /proc/self/status");
    }
}

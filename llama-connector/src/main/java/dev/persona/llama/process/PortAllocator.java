package dev.persona.llama.process;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Hands out the ports of the {@code portRange} setting to the pool's processes: never one another process of the
 * pool holds, and only one that can be bound on 127.0.0.1 right now. A process keeps its port across restarts
 * when it is still free. Thread-safe.
 */
final class PortAllocator {

    private final PortRange range;
    private final Set<Integer> held = new HashSet<>();

    PortAllocator(PortRange range) {
        this.range = range;
    }

    /**
     * Takes a free port, {@code preferred} if it is one.
     *
     * @param preferred the port the process had before, or 0
     * @throws IOException if every port of the range is taken
     */
    synchronized int acquire(int preferred) throws IOException {
        if (range.contains(preferred) && !held.contains(preferred) && canBind(preferred)) {
            held.add(preferred);
            return preferred;
        }
        for (int port = range.first(); port <= range.last(); port++) {
            if (!held.contains(port) && canBind(port)) {
                held.add(port);
                return port;
            }
        }
        throw new IOException("no free port in portRange " + range + ": other programs or processes use all "
                + range.size() + "; widen portRange or choose another one");
    }

    synchronized void release(int port) {
        held.remove(port);
    }

    private static boolean canBind(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

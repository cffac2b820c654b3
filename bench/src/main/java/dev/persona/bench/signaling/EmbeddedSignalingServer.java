package dev.persona.bench.signaling;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.persona.signaling.peerjs.EmbeddedSignaling;

/**
 * Our side of the signaling benchmark's component rows, in a JVM of its own so that its resident memory is its own:
 * the module tests' {@link EmbeddedSignaling} (the PeerJS endpoint of {@code persona-signaling} in an embedded
 * Undertow, WildFly's WebSocket implementation) on 127.0.0.1. Arguments: the port, then {@code name=value} signaling
 * settings. Prints {@code READY <port>}; on stdin, {@code gc} answers {@code heap <bytes>} after a full collection
 * and {@code quit} (or the end of stdin) stops it. System property {@code bench.signaling.io.threads}: Undertow's
 * I/O threads (default: Undertow's, one per core and at least two).
 */
public final class EmbeddedSignalingServer {

    private EmbeddedSignalingServer() {
    }

    public static void main(String[] args) throws Exception {
        Logger.getLogger("dev.persona.signaling").setLevel(Level.WARNING);
        Map<String, String> settings = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            int equals = args[i].indexOf('=');
            settings.put(args[i].substring(0, equals), args[i].substring(equals + 1));
        }
        try (EmbeddedSignaling signaling = EmbeddedSignaling.serveSockets(Integer.parseInt(args[0]),
                Integer.getInteger("bench.signaling.io.threads"), settings)) {
            System.out.println("READY " + signaling.port());
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String command;
            while ((command = commands.readLine()) != null && !command.equals("quit")) {
                if (command.equals("gc")) {
                    System.gc();
                    System.out.println("heap " + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
                }
            }
        }
        System.exit(0);
    }
}

package dev.persona.bench.signaling;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.persona.signaling.SignalingServer;
import dev.persona.signaling.SignalingSettings;
import dev.persona.signaling.peerjs.PeerJsUpgrade;
import dev.persona.testkit.base.EmbeddedWebServer;

/**
 * Our side of the signaling benchmark's component rows, in a JVM of its own so that its resident memory is its own:
 * the PeerJS endpoint of {@code persona-signaling} in the kit's {@link EmbeddedWebServer} (an embedded Undertow,
 * WildFly's WebSocket implementation), wired as the web module and the module's tests wire it, on 127.0.0.1. Arguments: the port, then {@code name=value} signaling
 * settings. Prints {@code READY <port>}; on stdin, {@code gc} answers {@code heap <bytes>} after a full collection
 * and {@code quit} (or the end of stdin) stops it. System property {@code bench.signaling.io.threads}: Undertow's
 * I/O threads (default: Undertow's, one per core and at least two).
 */
public final class EmbeddedSignalingServer {

    private EmbeddedSignalingServer() {
    }

    public static void main(String[] args) throws Exception {
        Logger.getLogger("dev.persona.signaling").setLevel(Level.WARNING);
        int port = Integer.parseInt(args[0]);
        Map<String, String> values = new HashMap<>();
        values.put(SignalingSettings.ORIGINS, "http://127.0.0.1:" + port);
        for (int i = 1; i < args.length; i++) {
            int equals = args[i].indexOf('=');
            values.put(args[i].substring(0, equals), args[i].substring(equals + 1));
        }
        SignalingSettings settings = SignalingSettings.from(name -> Optional.ofNullable(values.get(name)));
        SignalingServer server = SignalingServer.inMemory(settings, Executors.newSingleThreadScheduledExecutor(),
                Clock.systemUTC());
        server.start();
        try (EmbeddedWebServer web = EmbeddedWebServer.builder("signaling-bench",
                        context -> PeerJsUpgrade.register(context, server))
                .port(port).ioThreads(Integer.getInteger("bench.signaling.io.threads")).start()) {
            System.out.println("READY " + web.port());
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

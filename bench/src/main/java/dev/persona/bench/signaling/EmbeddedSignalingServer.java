package dev.persona.bench.signaling;

import dev.persona.signaling.SignalingServer;
import dev.persona.signaling.SignalingSettings;
import dev.persona.signaling.peerjs.PeerJsUpgrade;

import io.undertow.Undertow;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.servlet.api.ListenerInfo;
import io.undertow.servlet.api.ServletContainer;
import io.undertow.servlet.util.ImmediateInstanceFactory;
import io.undertow.websockets.jsr.WebSocketDeploymentInfo;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Our side of the signaling benchmark, in a JVM of its own so that its resident memory is its own: the PeerJS
 * endpoint of {@code persona-signaling} in an embedded Undertow (WildFly's WebSocket implementation), wired as the
 * web module and the module's tests wire it, on 127.0.0.1. Arguments: the port, then {@code name=value} signaling
 * settings. Prints {@code READY <port>}; on stdin, {@code gc} answers {@code heap <bytes>} after a full
 * collection and {@code quit} (or the end of stdin) stops it. System property {@code bench.signaling.io.threads}:
 * Undertow's I/O threads (default: Undertow's, one per core and at least two).
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
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        SignalingServer server = SignalingServer.inMemory(settings, scheduler, Clock.systemUTC());
        server.start();

        ServletContextListener registration = new ServletContextListener() {
            @Override
            public void contextInitialized(ServletContextEvent event) {
                PeerJsUpgrade.register(event.getServletContext(), server);
            }
        };
        DeploymentInfo info = Servlets.deployment()
                .setClassLoader(EmbeddedSignalingServer.class.getClassLoader())
                .setContextPath("/")
                .setDeploymentName("signaling-bench")
                .addServletContextAttribute(WebSocketDeploymentInfo.ATTRIBUTE_NAME,
                        new WebSocketDeploymentInfo().setBuffers(new DefaultByteBufferPool(true, 8192)))
                .addListener(new ListenerInfo(ServletContextListener.class,
                        new ImmediateInstanceFactory<>(registration)));
        DeploymentManager deployment = ServletContainer.Factory.newInstance().addDeployment(info);
        deployment.deploy();
        Undertow.Builder builder = Undertow.builder().addHttpListener(port, "127.0.0.1")
                .setHandler(deployment.start());
        Integer ioThreads = Integer.getInteger("bench.signaling.io.threads");
        if (ioThreads != null) {
            builder.setIoThreads(ioThreads);
        }
        Undertow undertow = builder.build();
        undertow.start();
        int bound = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
        System.out.println("READY " + bound);

        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command;
        while ((command = commands.readLine()) != null && !command.equals("quit")) {
            if (command.equals("gc")) {
                System.gc();
                System.out.println("heap " + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
            }
        }
        undertow.stop();
        System.exit(0);
    }
}

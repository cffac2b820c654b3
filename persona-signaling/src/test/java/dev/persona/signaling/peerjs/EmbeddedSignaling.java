package dev.persona.signaling.peerjs;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import dev.persona.signaling.SignalingServer;
import dev.persona.signaling.SignalingSettings;
import io.undertow.Undertow;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.servlet.api.ListenerInfo;
import io.undertow.servlet.api.ServletContainer;
import io.undertow.servlet.util.ImmediateInstanceFactory;
import io.undertow.websockets.jsr.WebSocketDeploymentInfo;
import org.jboss.resteasy.plugins.server.servlet.HttpServlet30Dispatcher;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletContextListener;

/**
 * The signaling endpoint (and, for the module's tests, the REST resource) in an embedded Undertow with RESTEasy
 * (WildFly's WebSocket and JAX-RS implementations) on 127.0.0.1, wired the way the web module does it: a
 * {@code ServletContextListener} calls {@link PeerJsUpgrade#register}, which adds the upgrading filter and sets the
 * servlet context attribute the resource reads; the JAX-RS application is mounted at {@code /peerjs}. The module's
 * test jar carries it for the signaling benchmark's component rows, which run it without REST in a JVM of their own.
 */
public final class EmbeddedSignaling implements AutoCloseable {

    static final String ORIGIN = "https://persona.test:8443";

    public final SignalingServer server;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final DeploymentManager deployment;
    private final Undertow undertow;
    private final int port;

    private EmbeddedSignaling(Map<String, String> values, int port, Integer ioThreads, boolean rest)
            throws Exception {
        SignalingSettings settings = SignalingSettings.from(name -> Optional.ofNullable(values.get(name)));
        server = SignalingServer.inMemory(settings, scheduler, Clock.systemUTC());
        server.start();

        ServletContextListener registration = new ServletContextListener() {
            @Override
            public void contextInitialized(ServletContextEvent event) {
                PeerJsUpgrade.register(event.getServletContext(), server);
            }
        };
        DeploymentInfo info = Servlets.deployment()
                .setClassLoader(EmbeddedSignaling.class.getClassLoader())
                .setContextPath("/")
                .setDeploymentName("signaling")
                .addServletContextAttribute(WebSocketDeploymentInfo.ATTRIBUTE_NAME,
                        new WebSocketDeploymentInfo().setBuffers(new DefaultByteBufferPool(true, 8192)))
                .addListener(new ListenerInfo(ServletContextListener.class,
                        new ImmediateInstanceFactory<>(registration)));
        if (rest) {
            info.addServlet(Servlets.servlet("peerjs-rest", HttpServlet30Dispatcher.class)
                    .addInitParam("jakarta.ws.rs.Application", PeerJsTestApplication.class.getName())
                    .addInitParam("resteasy.servlet.mapping.prefix", "/peerjs")
                    .addMapping("/peerjs/*")
                    .setLoadOnStartup(1));
        }
        deployment = ServletContainer.Factory.newInstance().addDeployment(info);
        deployment.deploy();
        Undertow.Builder builder = Undertow.builder().addHttpListener(port, "127.0.0.1").setHandler(deployment.start());
        if (ioThreads != null) {
            builder.setIoThreads(ioThreads);
        }
        undertow = builder.build();
        undertow.start();
        this.port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }

    static EmbeddedSignaling start() throws Exception {
        return start(Map.of());
    }

    /** On an ephemeral port with the REST resource, pages served from {@link #ORIGIN}. */
    static EmbeddedSignaling start(Map<String, String> settings) throws Exception {
        Map<String, String> values = new HashMap<>(Map.of(SignalingSettings.ORIGINS, ORIGIN));
        values.putAll(settings);
        return new EmbeddedSignaling(values, 0, null, true);
    }

    /**
     * The socket endpoint alone on {@code port}, pages served from {@code http://127.0.0.1:<port>} unless
     * {@code settings} say otherwise; {@code ioThreads} null leaves Undertow's default (one per core, at least two).
     */
    public static EmbeddedSignaling serveSockets(int port, Integer ioThreads, Map<String, String> settings)
            throws Exception {
        Map<String, String> values = new HashMap<>(Map.of(SignalingSettings.ORIGINS, "http://127.0.0.1:" + port));
        values.putAll(settings);
        return new EmbeddedSignaling(values, port, ioThreads, false);
    }

    public int port() {
        return port;
    }

    /** An HTTP URL on the server, such as the peerjs client's {@code /peerjs/id}. */
    URI httpUri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** The socket URL the peerjs client builds for {@code path: "/"}. */
    URI socketUri(String key, String id, String token) {
        StringBuilder query = new StringBuilder();
        append(query, "key", key);
        append(query, "id", id);
        append(query, "token", token);
        append(query, "version", "1.5.5");
        return URI.create("ws://127.0.0.1:" + port + PeerJsEndpoint.PATH + "?" + query);
    }

    URI socketUri(String id, String token) {
        return socketUri(PeerJsAdmission.KEY, id, token);
    }

    private static void append(StringBuilder query, String name, String value) {
        if (value != null) {
            query.append(query.length() == 0 ? "" : "&").append(name).append('=')
                    .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() throws ServletException {
        server.close();
        deployment.stop();
        deployment.undeploy();
        undertow.stop();
        scheduler.shutdownNow();
    }
}

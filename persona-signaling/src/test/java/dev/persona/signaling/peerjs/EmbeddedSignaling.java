package dev.persona.signaling.peerjs;

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
import dev.persona.testkit.base.EmbeddedWebServer;
import jakarta.servlet.ServletException;

/**
 * The signaling endpoint and REST resource in the kit's embedded Undertow with RESTEasy (WildFly's WebSocket and
 * JAX-RS implementations) on 127.0.0.1 and an ephemeral port, wired the way the web module does it: at start the
 * servlet context calls {@link PeerJsUpgrade#register}, which adds the upgrading filter and sets the servlet context
 * attribute the resource reads; the JAX-RS application is mounted at {@code /peerjs}.
 */
final class EmbeddedSignaling implements AutoCloseable {

    static final String ORIGIN = "https://persona.test:8443";

    final SignalingServer server;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final EmbeddedWebServer web;
    private final int port;

    private EmbeddedSignaling(Map<String, String> overrides) throws Exception {
        Map<String, String> values = new HashMap<>(Map.of(SignalingSettings.ORIGINS, ORIGIN));
        values.putAll(overrides);
        SignalingSettings settings = SignalingSettings.from(name -> Optional.ofNullable(values.get(name)));
        server = SignalingServer.inMemory(settings, scheduler, Clock.systemUTC());
        server.start();
        web = EmbeddedWebServer.builder("signaling-test", context -> PeerJsUpgrade.register(context, server))
                .rest(PeerJsTestApplication.class, PeerJsEndpoint.PATH)
                .start();
        port = web.port();
    }

    static EmbeddedSignaling start() throws Exception {
        return new EmbeddedSignaling(Map.of());
    }

    static EmbeddedSignaling start(Map<String, String> settings) throws Exception {
        return new EmbeddedSignaling(settings);
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
        web.close();
        scheduler.shutdownNow();
    }
}

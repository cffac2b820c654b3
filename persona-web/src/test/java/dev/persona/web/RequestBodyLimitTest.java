package dev.persona.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.Proxy;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.persona.testkit.base.EmbeddedWebServer;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigBuilder;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The portable bound on request bodies (Payara's; WildFly's is {@link UndertowBodyLimit}), 64 KiB, in front of a
 * servlet that reads the whole body and answers with the bytes it read, in an embedded Undertow.
 */
class RequestBodyLimitTest {

    private static final int BOUND = 64 * 1024;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final AtomicInteger reached = new AtomicInteger();
    private EmbeddedWebServer server;

    /**
     * Undertow here finds the web module's own {@link UndertowBodyLimit} (its service file), which reads the setting
     * through MicroProfile Config: an empty configuration (the default bound, 10 MiB) stands in for the server's.
     */
    @BeforeAll
    static void emptyConfiguration() {
        Config empty = (Config) Proxy.newProxyInstance(Config.class.getClassLoader(), new Class<?>[] {Config.class},
                (proxy, method, arguments) -> {
                    if (method.getName().equals("getOptionalValue")) {
                        return Optional.empty();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        ConfigProviderResolver.setInstance(new ConfigProviderResolver() {
            @Override
            public Config getConfig() {
                return empty;
            }

            @Override
            public Config getConfig(ClassLoader loader) {
                return empty;
            }

            @Override
            public ConfigBuilder getBuilder() {
                throw new UnsupportedOperationException();
            }

            @Override
            public void registerConfig(Config config, ClassLoader classLoader) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void releaseConfig(Config config) {
            }
        });
    }

    @AfterAll
    static void noConfiguration() {
        ConfigProviderResolver.setInstance(null);
    }

    /** The portable filter with a bound of {@value #BOUND} bytes, as on Payara. */
    private void startWithTheFilter() throws Exception {
        server = EmbeddedWebServer.builder("body-limit-test", context -> {
            RequestBodyLimit.register(context, BOUND);
            context.addServlet("reader", new Reader()).addMapping("/*");
        }).start();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void whereUndertowBoundsTheBodiesTheFilterStaysOutAndTheUploadRaisesUndertowsBound() throws Exception {
        AtomicBoolean filterAdded = new AtomicBoolean(true);
        server = EmbeddedWebServer.builder("undertow-bound-test", context -> {
            new RequestBodyLimit().contextInitialized(new ServletContextEvent(context));
            filterAdded.set(context.getFilterRegistration(RequestBodyLimit.FILTER_NAME) != null);
            context.addServlet("reader", new Reader()).addMapping("/*");
        }).start();
        assertFalse(filterAdded.get(), "UndertowBodyLimit (the service file) bounds the bodies here");

        int beyondUndertowsBound = 10 * 1024 * 1024 + 1;
        HttpResponse<String> notRaised = post(RequestBodyLimit.UPLOAD_PATH,
                HttpRequest.BodyPublishers.ofByteArray(new byte[beyondUndertowsBound]));
        assertEquals(400, notRaised.statusCode(), "Undertow's own bound, 10 MiB by default, holds while it reads");
        HttpResponse<String> upload = post(RequestBodyLimit.UPLOAD_PATH + "?allow=" + beyondUndertowsBound,
                HttpRequest.BodyPublishers.ofByteArray(new byte[beyondUndertowsBound]));
        assertEquals(200, upload.statusCode(), upload.body());
        assertEquals(Integer.toString(beyondUndertowsBound), upload.body());
    }

    @Test
    void aDeclaredLengthBeyondTheBoundIs413AndNeverReachesTheApplication() throws Exception {
        startWithTheFilter();
        // Only the head: the host answers without reading a byte of the body.
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write(("POST /form HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + (BOUND + 1)
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            assertEquals("HTTP/1.1 413 Request Entity Too Large", status);
        }
        assertEquals(0, reached.get());
    }

    @Test
    void aBodyOfTheBoundsSizeIsReadWhole() throws Exception {
        startWithTheFilter();
        HttpResponse<String> read = post("/form", HttpRequest.BodyPublishers.ofByteArray(new byte[BOUND]));
        assertEquals(200, read.statusCode());
        assertEquals(Integer.toString(BOUND), read.body());
    }

    @Test
    void aBodyWithoutADeclaredLengthEndsInAnErrorPastTheBound() throws Exception {
        startWithTheFilter();
        HttpResponse<String> cut = post("/form", HttpRequest.BodyPublishers.ofInputStream(
                () -> new ByteArrayInputStream(new byte[2 * BOUND])));
        assertEquals(400, cut.statusCode());
        assertEquals("The request body is larger than " + BOUND + " bytes.", cut.body());
    }

    @Test
    void theUploadRaisesItsOwnBoundAndIsNotRefusedForItsDeclaredLength() throws Exception {
        startWithTheFilter();
        HttpResponse<String> upload = post(RequestBodyLimit.UPLOAD_PATH + "?allow=" + 2 * BOUND,
                HttpRequest.BodyPublishers.ofByteArray(new byte[2 * BOUND]));
        assertEquals(200, upload.statusCode(), upload.body());
        assertEquals(Integer.toString(2 * BOUND), upload.body());

        HttpResponse<String> notRaised = post(RequestBodyLimit.UPLOAD_PATH,
                HttpRequest.BodyPublishers.ofByteArray(new byte[2 * BOUND]));
        assertEquals(400, notRaised.statusCode(), "without allow() the bound holds while it reads");
    }

    private HttpResponse<String> post(String path, HttpRequest.BodyPublisher body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).POST(body)
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Reads the whole body ({@code ?allow=N} first raises the bound, as the model upload does). */
    private final class Reader extends HttpServlet {

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            reached.incrementAndGet();
            if (request.getParameter("allow") != null) {
                RequestBodyLimit.allow(request, Long.parseLong(request.getParameter("allow")));
            }
            long read = 0;
            byte[] buffer = new byte[8192];
            try (var in = request.getInputStream()) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    read += n;
                }
            } catch (IOException beyond) {
                response.setStatus(400);
                response.getWriter().write(beyond.getMessage());
                return;
            }
            response.getWriter().write(Long.toString(read));
        }
    }
}

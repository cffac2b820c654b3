package dev.persona.testkit.base;

import java.net.InetSocketAddress;
import java.util.function.Consumer;

import io.undertow.Undertow;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.servlet.api.ListenerInfo;
import io.undertow.servlet.api.ServletContainer;
import io.undertow.servlet.util.ImmediateInstanceFactory;
import io.undertow.websockets.jsr.WebSocketDeploymentInfo;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletException;
import jakarta.ws.rs.core.Application;
import org.jboss.resteasy.plugins.server.servlet.HttpServlet30Dispatcher;

/**
 * One web application in an embedded Undertow with Jakarta WebSocket (WildFly's implementations), on 127.0.0.1 over
 * plain HTTP: what a module's own tests and the component benchmarks need to run a servlet-context wiring (a filter
 * that upgrades to WebSocket, a JAX-RS resource) without the application server. Built with {@link #builder}.
 */
public final class EmbeddedWebServer implements AutoCloseable {

    private final DeploymentManager deployment;
    private final Undertow undertow;
    private final int port;

    private EmbeddedWebServer(Builder builder) throws ServletException {
        Consumer<ServletContext> wiring = builder.wiring;
        ServletContextListener listener = new ServletContextListener() {
            @Override
            public void contextInitialized(ServletContextEvent event) {
                wiring.accept(event.getServletContext());
            }
        };
        DeploymentInfo info = Servlets.deployment()
                .setClassLoader(EmbeddedWebServer.class.getClassLoader())
                .setContextPath("/")
                .setDeploymentName(builder.name)
                .addServletContextAttribute(WebSocketDeploymentInfo.ATTRIBUTE_NAME,
                        new WebSocketDeploymentInfo().setBuffers(new DefaultByteBufferPool(true, 8192)))
                .addListener(new ListenerInfo(ServletContextListener.class, new ImmediateInstanceFactory<>(listener)));
        if (builder.restApplication != null) {
            info.addServlet(Servlets.servlet("rest", HttpServlet30Dispatcher.class)
                    .addInitParam("jakarta.ws.rs.Application", builder.restApplication.getName())
                    .addInitParam("resteasy.servlet.mapping.prefix", builder.restPath)
                    .addMapping(builder.restPath + "/*")
                    .setLoadOnStartup(1));
        }
        deployment = ServletContainer.Factory.newInstance().addDeployment(info);
        deployment.deploy();
        Undertow.Builder server = Undertow.builder().addHttpListener(builder.port, "127.0.0.1")
                .setHandler(deployment.start());
        if (builder.ioThreads != null) {
            server.setIoThreads(builder.ioThreads);
        }
        undertow = server.build();
        undertow.start();
        port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }

    /** A server for the application called {@code name} whose servlet context {@code wiring} sets up at start. */
    public static Builder builder(String name, Consumer<ServletContext> wiring) {
        return new Builder(name, wiring);
    }

    /** The port it listens on (the one chosen when the builder asked for an ephemeral port). */
    public int port() {
        return port;
    }

    @Override
    public void close() throws ServletException {
        deployment.stop();
        deployment.undeploy();
        undertow.stop();
    }

    /** What the server runs and where. */
    public static final class Builder {
        private final String name;
        private final Consumer<ServletContext> wiring;
        private int port;
        private Integer ioThreads;
        private Class<? extends Application> restApplication;
        private String restPath;

        private Builder(String name, Consumer<ServletContext> wiring) {
            this.name = name;
            this.wiring = wiring;
        }

        /** The port; 0 (the default) takes an ephemeral one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Undertow's I/O threads; null (the default) leaves Undertow's choice, one per core and at least two. */
        public Builder ioThreads(Integer ioThreads) {
            this.ioThreads = ioThreads;
            return this;
        }

        /** Mounts a JAX-RS application (RESTEasy, as in WildFly) at {@code path}, e.g. {@code /peerjs}. */
        public Builder rest(Class<? extends Application> application, String path) {
            this.restApplication = application;
            this.restPath = path;
            return this;
        }

        public EmbeddedWebServer start() throws ServletException {
            return new EmbeddedWebServer(this);
        }
    }
}

package dev.persona.signaling.peerjs;

import java.io.IOException;
import java.util.EnumSet;

import dev.persona.signaling.SignalingServer;
import dev.persona.signaling.SourceAddress;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Puts the PeerJS socket on the web: a servlet filter at {@value PeerJsEndpoint#PATH} that upgrades each WebSocket
 * request itself ({@link UpgradedSockets}, on WildFly and Payara alike) to a {@link PeerJsEndpoint} that knows the
 * address the request came from, so that the limits per source address count real connections. The address is the
 * connection's ({@code getRemoteAddr()}), never a header the client writes, counted as its {@link SourceAddress}.
 */
public final class PeerJsUpgrade implements Filter {

    private static final String FILTER_NAME = "peerjs-upgrade";

    private final UpgradedSockets<String> sockets;

    private PeerJsUpgrade(UpgradedSockets<String> sockets) {
        this.sockets = sockets;
    }

    /**
     * Registers the endpoint and the filter on {@code context} (from a {@code ServletContextListener} that the
     * container found or was given, as the servlet specification requires) and sets
     * {@link PeerJsResource#SERVER_ATTRIBUTE} for the REST calls.
     */
    public static void register(ServletContext context, SignalingServer server) {
        context.setAttribute(PeerJsResource.SERVER_ATTRIBUTE, server);
        UpgradedSockets<String> sockets = UpgradedSockets.register(context, "peerjs", "the PeerJS socket",
                PeerJsEndpoint.class, registered -> new PeerJsEndpoint(server, registered));
        context.addFilter(FILTER_NAME, new PeerJsUpgrade(sockets))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, PeerJsEndpoint.PATH);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest http) || !(response instanceof HttpServletResponse httpResponse)
                || !"websocket".equalsIgnoreCase(http.getHeader("Upgrade"))) {
            chain.doFilter(request, response);
            return;
        }
        sockets.upgrade(http, httpResponse, SourceAddress.of(http.getRemoteAddr()));
    }

    /** Closes every open socket as the application stops, while its services still run. */
    @Override
    public void destroy() {
        sockets.closeAll();
    }
}

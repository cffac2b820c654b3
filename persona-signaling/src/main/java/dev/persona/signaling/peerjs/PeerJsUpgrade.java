package dev.persona.signaling.peerjs;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;

import dev.persona.signaling.SignalingServer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;

/**
 * Puts the PeerJS socket on the web: a servlet filter at {@value PeerJsEndpoint#PATH} that upgrades each WebSocket
 * request with {@code ServerContainer.upgradeHttpToWebSocket} (Jakarta WebSocket 2.1) to a {@link PeerJsEndpoint}
 * that knows the address the request came from, so that the limits per source address count real connections. The
 * address is the connection's ({@code getRemoteAddr()}), never a header the client writes. An IPv6 address counts
 * by its /64 prefix, the part a device on a LAN cannot choose freely.
 */
public final class PeerJsUpgrade implements Filter {

    private static final String FILTER_NAME = "peerjs-upgrade";
    private static final int IPV6_PREFIX_BYTES = 8;

    private final SignalingServer server;

    private PeerJsUpgrade(SignalingServer server) {
        this.server = server;
    }

    /**
     * Registers the filter on {@code context} (from a {@code ServletContextListener} that the container found or was
     * given, as the servlet specification requires) and sets {@link PeerJsResource#SERVER_ATTRIBUTE} for the REST
     * calls.
     */
    public static void register(ServletContext context, SignalingServer server) {
        context.setAttribute(PeerJsResource.SERVER_ATTRIBUTE, server);
        context.addFilter(FILTER_NAME, new PeerJsUpgrade(server))
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
        ServerContainer container = (ServerContainer) http.getServletContext()
                .getAttribute(ServerContainer.class.getName());
        try {
            container.upgradeHttpToWebSocket(http, httpResponse,
                    PeerJsEndpoint.config(server, sourceOf(http.getRemoteAddr())), Map.of());
        } catch (DeploymentException e) {
            throw new ServletException("Could not upgrade a request to the PeerJS socket", e);
        }
    }

    /**
     * The source an address counts for: an IPv4 address itself, an IPv6 address its /64 prefix (an IPv4-mapped one
     * its IPv4 address).
     */
    static String sourceOf(String remoteAddress) {
        if (remoteAddress.indexOf(':') < 0) {
            return remoteAddress;
        }
        try {
            // A literal with ':' is never looked up in DNS.
            InetAddress address = InetAddress.getByName(remoteAddress);
            byte[] bytes = address.getAddress();
            if (bytes.length == 4) {
                return address.getHostAddress();
            }
            byte[] prefix = Arrays.copyOf(bytes, 16);
            Arrays.fill(prefix, IPV6_PREFIX_BYTES, 16, (byte) 0);
            return InetAddress.getByAddress(prefix).getHostAddress() + "/64";
        } catch (UnknownHostException notAnAddress) {
            return remoteAddress;
        }
    }
}

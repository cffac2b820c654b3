package dev.persona.signaling.peerjs;

import java.io.IOException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;

/**
 * Puts the PeerJS socket on the web: a servlet filter at {@value PeerJsEndpoint#PATH} that upgrades each WebSocket
 * request with {@code ServerContainer.upgradeHttpToWebSocket} (Jakarta WebSocket 2.1) to a {@link PeerJsEndpoint}
 * that knows the address the request came from, so that the limits per source address count real connections. The
 * address is the connection's ({@code getRemoteAddr()}), never a header the client writes, counted as its
 * {@link SourceAddress}.
 */
public final class PeerJsUpgrade implements Filter {

    private static final String FILTER_NAME = "peerjs-upgrade";

    private final SignalingServer server;
    /** The sockets open now: closed by {@link #destroy()} while the application's services still run. */
    private final Set<Session> open = ConcurrentHashMap.newKeySet();

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
                    PeerJsEndpoint.config(server, SourceAddress.of(http.getRemoteAddr()), open), Map.of());
        } catch (DeploymentException e) {
            throw new ServletException("Could not upgrade a request to the PeerJS socket", e);
        }
    }

    /**
     * Closes every open socket (1001, going away) as the application stops. A socket from
     * {@code upgradeHttpToWebSocket} is not closed by the container at undeployment, only when its connection drops
     * later, after the deployment's services are gone; its end then fails in the container's own bookkeeping (WildFly
     * logged an ERROR per connected phone at every stop).
     */
    @Override
    public void destroy() {
        CloseReason stopping = new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "The host is stopping.");
        for (Session session : open) {
            try {
                session.close(stopping);
            } catch (IOException | IllegalStateException alreadyGone) {
                open.remove(session);
            }
        }
    }
}

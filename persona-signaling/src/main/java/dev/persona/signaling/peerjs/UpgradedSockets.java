package dev.persona.signaling.peerjs;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;

/**
 * The sockets a servlet filter made with {@code ServerContainer.upgradeHttpToWebSocket} (Jakarta WebSocket 2.1): the
 * upgrade itself, and the set of those open now, which the filter's endpoints keep ({@link #open()}) and which
 * {@link #closeAll()} closes as the application stops. Used by the PeerJS socket ({@link PeerJsUpgrade}) and the
 * phone's relay socket (persona-web).
 */
public final class UpgradedSockets {

    private final Set<Session> open = ConcurrentHashMap.newKeySet();

    /** The sockets open now; an endpoint adds its session when it opens and removes it when it closes. */
    public Set<Session> open() {
        return open;
    }

    /**
     * Upgrades {@code request} to a socket of {@code endpoint}.
     *
     * @param what names the socket in the error, e.g. "the PeerJS socket"
     */
    public static void upgrade(HttpServletRequest request, HttpServletResponse response, ServerEndpointConfig endpoint,
                               String what) throws IOException, ServletException {
        ServerContainer container = (ServerContainer) request.getServletContext()
                .getAttribute(ServerContainer.class.getName());
        try {
            container.upgradeHttpToWebSocket(request, response, endpoint, Map.of());
        } catch (DeploymentException e) {
            throw new ServletException("Could not upgrade a request to " + what, e);
        }
    }

    /**
     * Closes every open socket (1001, going away). A socket from {@code upgradeHttpToWebSocket} is not closed by the
     * container at undeployment, only when its connection drops later, after the deployment's services are gone; its
     * end then fails in the container's own bookkeeping (WildFly logged an ERROR per connected phone at every stop).
     */
    public void closeAll() {
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

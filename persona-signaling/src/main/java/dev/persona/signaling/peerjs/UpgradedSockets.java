package dev.persona.signaling.peerjs;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;

/**
 * The sockets of one endpoint that a servlet filter upgrades itself, so that each connection starts with what only
 * the filter knows (the request's source address, for the limits per source): used by the PeerJS socket
 * ({@link PeerJsUpgrade}) and the phone's relay socket (persona-web). {@code S} is what the filter hands to the
 * endpoint of one connection.
 *
 * <p>How, the same on both servers and with the Jakarta WebSocket API only. At start {@link #register} adds one
 * {@link ServerEndpointConfig} to the context's {@link ServerContainer} at {@code /upgraded-socket/<name>/{upgrade}}.
 * The filter's {@link #upgrade} files the connection's state under a new random ticket ({@link UpgradeTickets}) and
 * calls {@code ServerContainer.upgradeHttpToWebSocket} with that configuration and the ticket as the path parameter
 * {@value #TICKET}; the endpoint's {@code onOpen} takes its state back with {@link #opened} (once: the ticket is then
 * gone). Undertow (WildFly) upgrades to the configuration it is given; Tyrus (Payara) ignores it and upgrades to the
 * registered endpoint whose path matches the given one with its parameters filled in, so the endpoint must be
 * registered, and the ticket travels in the path. A request to that path that did not come through the filter
 * (either container's own filter upgrades it) has no valid ticket and is closed at once (1008).
 */
public final class UpgradedSockets<S> {

    /** The path parameter that carries the ticket. */
    static final String TICKET = "upgrade";
    /** Where the endpoints are registered; no page or resource of the application lives below it. */
    static final String PREFIX = "/upgraded-socket/";

    private final String what;
    private final Set<Session> open = ConcurrentHashMap.newKeySet();
    private final UpgradeTickets<S> tickets = new UpgradeTickets<>(System.nanoTime());
    private ServerEndpointConfig config;

    private UpgradedSockets(String what) {
        this.what = what;
    }

    /**
     * Registers {@code endpointClass} in {@code context}'s WebSocket container; call while the application starts
     * (from a {@code ServletContextListener}: containers take endpoints only until the deployment is complete).
     *
     * @param name     the endpoint's segment in the registered path, e.g. "peerjs"
     * @param what     names the socket in errors, e.g. "the PeerJS socket"
     * @param endpoint makes the endpoint of one connection; it calls {@link #opened} in {@code onOpen}
     */
    public static <S, E extends Endpoint> UpgradedSockets<S> register(ServletContext context, String name,
            String what, Class<E> endpointClass, Function<UpgradedSockets<S>, E> endpoint) {
        UpgradedSockets<S> sockets = new UpgradedSockets<>(what);
        sockets.config = ServerEndpointConfig.Builder.create(endpointClass, PREFIX + name + "/{" + TICKET + "}")
                .configurator(new ServerEndpointConfig.Configurator() {
                    @Override
                    public <T> T getEndpointInstance(Class<T> requested) {
                        return requested.cast(endpoint.apply(sockets));
                    }
                })
                .build();
        try {
            container(context).addEndpoint(sockets.config);
        } catch (DeploymentException e) {
            throw new IllegalStateException("Could not register " + what, e);
        }
        return sockets;
    }

    private static ServerContainer container(ServletContext context) {
        ServerContainer container = (ServerContainer) context.getAttribute(ServerContainer.class.getName());
        if (container == null) {
            throw new IllegalStateException("The servlet container has no WebSocket container (Jakarta WebSocket)");
        }
        return container;
    }

    /** Upgrades {@code request} to a socket of the registered endpoint, whose {@link #opened} returns {@code state}. */
    public void upgrade(HttpServletRequest request, HttpServletResponse response, S state)
            throws IOException, ServletException {
        String ticket = tickets.file(state, System.nanoTime());
        try {
            container(request.getServletContext()).upgradeHttpToWebSocket(request, response, config,
                    Map.of(TICKET, ticket));
        } catch (DeploymentException e) {
            tickets.withdraw(ticket);
            throw new ServletException("Could not upgrade a request to " + what, e);
        }
    }

    /**
     * For the endpoint's {@code onOpen}: the state the filter handed to this socket, which then counts as open
     * (until {@link #closed}); or null, and the socket is closed (1008), when it came with no valid ticket.
     */
    public S opened(Session session) {
        S state = tickets.take(session.getPathParameters().get(TICKET), System.nanoTime());
        if (state == null) {
            try {
                session.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "Not an upgrade of this host"));
            } catch (IOException | IllegalStateException alreadyGone) {
                // nothing to close
            }
            return null;
        }
        open.add(session);
        return state;
    }

    /** For the endpoint's {@code onClose}. */
    public void closed(Session session) {
        open.remove(session);
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

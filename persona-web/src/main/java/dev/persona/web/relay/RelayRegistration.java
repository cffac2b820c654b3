package dev.persona.web.relay;

import java.io.IOException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.persona.host.chat.ChatHost;
import dev.persona.signaling.SourceAddress;
import jakarta.ejb.EJB;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;

/**
 * Registers the relay socket as the signaling socket is registered: a filter at {@code /relay/*} that upgrades each
 * WebSocket request with {@code ServerContainer.upgradeHttpToWebSocket} to a {@link RelayEndpoint} that knows the
 * connection's source address ({@code getRemoteAddr()}, never a header). Other requests there, and those whose host
 * or phone id is no key id, get 404.
 */
@WebListener
public class RelayRegistration implements ServletContextListener, Filter {

    private static final String FILTER_NAME = "relay-upgrade";

    @EJB
    ChatHost chat;

    /** The sockets open now: closed as the application stops, while the chat still runs. */
    private final Set<Session> open = ConcurrentHashMap.newKeySet();

    @Override
    public void contextInitialized(ServletContextEvent event) {
        event.getServletContext().addFilter(FILTER_NAME, this)
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, RelayEndpoint.PATH + "/*");
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        HttpServletResponse httpResponse = (HttpServletResponse) response;
        String hostId = RelayEndpoint.hostId(http.getPathInfo() != null ? http.getPathInfo()
                : http.getRequestURI().substring(http.getContextPath().length() + RelayEndpoint.PATH.length()));
        String phoneId = http.getParameter("phone");
        if (!"websocket".equalsIgnoreCase(http.getHeader("Upgrade")) || hostId == null
                || !RelayEndpoint.isKeyId(phoneId)) {
            httpResponse.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        ServerContainer container = (ServerContainer) http.getServletContext()
                .getAttribute(ServerContainer.class.getName());
        try {
            container.upgradeHttpToWebSocket(http, httpResponse, RelayEndpoint.config(chat, hostId, phoneId,
                    SourceAddress.of(http.getRemoteAddr()), open), Map.of());
        } catch (DeploymentException e) {
            throw new ServletException("Could not upgrade a request to the relay socket", e);
        }
    }

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

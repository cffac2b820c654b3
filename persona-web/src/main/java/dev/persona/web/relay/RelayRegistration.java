package dev.persona.web.relay;

import java.io.IOException;
import java.util.EnumSet;

import dev.persona.host.chat.ChatHost;
import dev.persona.signaling.SourceAddress;
import dev.persona.signaling.peerjs.UpgradedSockets;
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

/**
 * Registers the relay socket as the signaling socket is registered: a filter at {@code /relay/*} that upgrades each
 * WebSocket request itself (persona-signaling's {@link UpgradedSockets}) to a {@link RelayEndpoint} that knows the
 * connection's source address ({@code getRemoteAddr()}, never a header). Other requests there, and those whose host
 * or phone id is no key id, get 404.
 */
@WebListener
public class RelayRegistration implements ServletContextListener, Filter {

    private static final String FILTER_NAME = "relay-upgrade";

    @EJB
    ChatHost chat;

    private UpgradedSockets<RelayEndpoint.Connection> sockets;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        sockets = UpgradedSockets.register(event.getServletContext(), "relay", "the relay socket",
                RelayEndpoint.class, registered -> new RelayEndpoint(chat, registered));
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
        sockets.upgrade(http, httpResponse,
                new RelayEndpoint.Connection(hostId, phoneId, SourceAddress.of(http.getRemoteAddr())));
    }

    /** Closes every open relay socket as the application stops, while the chat still runs. */
    @Override
    public void destroy() {
        if (sockets != null) {
            sockets.closeAll();
        }
    }
}

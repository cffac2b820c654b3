package dev.persona.web.signaling;

import dev.persona.host.signaling.SignalingHost;
import dev.persona.signaling.peerjs.PeerJsUpgrade;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/**
 * Registers the PeerJS socket programmatically ({@link PeerJsUpgrade}, a filter that upgrades each request to an
 * endpoint that knows the connection's source address): its classes live in the EAR's lib folder, where WildFly does
 * not look for {@code @ServerEndpoint}s, and it needs the application's one signaling server.
 */
@WebListener
public class SignalingRegistration implements ServletContextListener {

    @Inject
    SignalingHost signaling;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        PeerJsUpgrade.register(event.getServletContext(), signaling.server());
    }
}

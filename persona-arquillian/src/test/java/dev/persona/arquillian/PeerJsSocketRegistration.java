package dev.persona.arquillian;

import dev.persona.host.signaling.SignalingHost;
import dev.persona.signaling.peerjs.PeerJsUpgrade;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/**
 * Puts the application's signaling server on the micro-deployment's web as persona-web's listener does in the EAR
 * (that module is a WAR, whose classes this module cannot depend on): {@link PeerJsUpgrade} at {@code /peerjs}.
 */
@WebListener
public class PeerJsSocketRegistration implements ServletContextListener {

    @Inject
    SignalingHost signaling;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        PeerJsUpgrade.register(event.getServletContext(), signaling.server());
    }
}

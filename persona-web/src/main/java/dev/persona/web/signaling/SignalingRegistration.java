package dev.persona.web.signaling;

import dev.persona.host.signaling.SignalingHost;
import dev.persona.signaling.peerjs.PeerJsEndpoint;
import dev.persona.signaling.peerjs.PeerJsResource;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;

/**
 * Registers the PeerJS endpoint programmatically: its classes live in the EAR's lib folder, where WildFly does
 * not look for {@code @ServerEndpoint}s, and it needs the application's one signaling server.
 */
@WebListener
public class SignalingRegistration implements ServletContextListener {

    @Inject
    SignalingHost signaling;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        context.setAttribute(PeerJsResource.SERVER_ATTRIBUTE, signaling.server());
        ServerContainer container = (ServerContainer) context.getAttribute(ServerContainer.class.getName());
        try {
            container.addEndpoint(PeerJsEndpoint.config(signaling.server()));
        } catch (DeploymentException e) {
            throw new IllegalStateException("Could not register the signaling endpoint at /peerjs", e);
        }
    }
}

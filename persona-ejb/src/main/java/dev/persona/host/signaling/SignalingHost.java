package dev.persona.host.signaling;

import java.time.Clock;

import dev.persona.signaling.SignalingServer;
import dev.persona.signaling.SignalingSettings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

/**
 * Owns the application's {@link SignalingServer}: settings from MicroProfile Config ({@code persona.signaling.*};
 * the bootstrap sets the accepted origins to the host's names and addresses), the container's managed scheduler
 * for its timers. Lives in the EJB module so that the web module (which registers the endpoint) and the host peer
 * share the same instance.
 */
@ApplicationScoped
public class SignalingHost {

    @Resource
    private ManagedScheduledExecutorService scheduler;

    @Inject
    private Config config;

    private SignalingServer server;

    @PostConstruct
    void start() {
        SignalingSettings settings = SignalingSettings.from(name -> config.getOptionalValue(name, String.class));
        server = SignalingServer.inMemory(settings, scheduler, Clock.systemUTC());
        server.start();
    }

    @PreDestroy
    void stop() {
        server.close();
    }

    public SignalingServer server() {
        return server;
    }
}

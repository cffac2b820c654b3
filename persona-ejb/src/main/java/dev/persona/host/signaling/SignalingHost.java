package dev.persona.host.signaling;

import java.time.Clock;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.persona.signaling.SignalingServer;
import dev.persona.signaling.SignalingSettings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

/**
 * Owns the application's {@link SignalingServer}: settings from MicroProfile Config ({@code persona.signaling.*};
 * the bootstrap sets the accepted origins to the host's names and addresses), and the threads for its timers and its
 * deliveries to the host's in-process peers. Lives in the EJB module so that the web module (which registers the
 * endpoint) and the host peer share the same instance.
 *
 * <p>The threads come from the container's {@link ManagedThreadFactory}, not from a
 * {@code ManagedScheduledExecutorService}: WildFly refuses every task of a managed scheduler once the server is
 * suspended, which it is from the moment a shutdown starts until the deployment stops, and logs each refusal as
 * {@code WFLYEE0110: Failed to run scheduled task}. The sweep (every second at most) hit that window at most stops.
 * This executor runs until {@link #stop()}, which ends the sweep first.
 */
@ApplicationScoped
public class SignalingHost {

    private static final int THREADS = 2;

    @Resource
    private ManagedThreadFactory threadFactory;

    @Inject
    private Config config;

    private ScheduledThreadPoolExecutor scheduler;
    private SignalingServer server;

    @PostConstruct
    void start() {
        SignalingSettings settings = SignalingSettings.from(name -> config.getOptionalValue(name, String.class));
        scheduler = new ScheduledThreadPoolExecutor(THREADS, threadFactory);
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.prestartAllCoreThreads();
        server = SignalingServer.inMemory(settings, scheduler, Clock.systemUTC());
        server.start();
    }

    @PreDestroy
    void stop() {
        server.close();
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException interrupted) {
            scheduler.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    public SignalingServer server() {
        return server;
    }
}

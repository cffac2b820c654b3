package dev.persona.host.peer;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.persona.peer.HostPeer;
import dev.persona.peer.HostPeerSettings;
import dev.persona.peer.PeerSessionAcceptor;
import dev.persona.peer.SignalingEndpoint;
import dev.persona.peer.SignalingLink;
import dev.persona.server.ConfiguredSettings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The application's one {@link HostPeer} (module persona-peer), made on first use and closed when the application
 * stops: the container-facing side of the host peer. It hands the peer its settings, read from MicroProfile Config
 * ({@link HostPeerSettings} names them), and its threads; {@code ChatHost} attaches each host id with its signaling
 * link and session acceptor.
 *
 * <p>The work runs on threads of the container's {@link ManagedThreadFactory}, all started here, where the
 * application's context is current. A {@code ManagedExecutorService} would not do: it captures the context of the
 * thread that submits, and the host peer's work is submitted by WebRTC's native threads, which have none.
 */
@ApplicationScoped
public class HostPeerService {

    /** Threads for every session's work, which is short: parsing, queueing, listener calls. */
    private static final int THREADS = 4;

    @Resource
    private ManagedThreadFactory threadFactory;

    @Inject
    private ConfiguredSettings settings;

    private ScheduledThreadPoolExecutor executor;
    private HostPeer hostPeer;

    @PostConstruct
    void start() {
        HostPeerSettings peerSettings = HostPeerSettings.from(settings);
        executor = new ScheduledThreadPoolExecutor(THREADS, threadFactory);
        executor.setRemoveOnCancelPolicy(true);
        executor.prestartAllCoreThreads();
        try {
            hostPeer = new HostPeer(peerSettings, executor);
        } catch (LinkageError missing) {
            executor.shutdownNow();
            throw new IllegalStateException("The host peer cannot start: the WebRTC library did not load (" + missing
                    + "). The server needs the WildFly module dev.onvoid.webrtc (webrtc-java and its linux-x86_64 "
                    + "jar; see docs/host-peer.md) and the system library libpulse0.", missing);
        }
    }

    /** See {@link HostPeer#attach}. */
    public SignalingEndpoint attach(String hostId, SignalingLink link, PeerSessionAcceptor acceptor) {
        return hostPeer.attach(hostId, link, acceptor);
    }

    @PreDestroy
    void stop() {
        hostPeer.close();
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException interrupted) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}

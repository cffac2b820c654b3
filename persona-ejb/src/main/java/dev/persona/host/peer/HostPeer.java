package dev.persona.host.peer;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceServer;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;

/**
 * The host's WebRTC peer: owns the one native {@link PeerConnectionFactory} of the application (made with a headless
 * audio module, as a server has no sound device) and the sessions made with it. Make one per JVM and keep it for the
 * application's lifetime (each factory costs native threads and leaks about 2.5 MB when disposed); {@link #close()}
 * releases everything in the order webrtc-java needs.
 *
 * <p>The host answers phones under each of its ids through a {@link SignalingEndpoint} from {@link #attach}. All work
 * runs on the executor given here, never on WebRTC's native threads; in the server it must run tasks with the
 * application's context (see {@code HostPeerService}).
 */
public final class HostPeer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(HostPeer.class.getName());

    private final HostPeerSettings settings;
    private final ScheduledExecutorService executor;
    private final HeadlessAudioDeviceModule audioModule;
    private final PeerConnectionFactory factory;
    private final Set<SignalingEndpoint> endpoints = ConcurrentHashMap.newKeySet();
    private final AtomicInteger sessions = new AtomicInteger();
    private final Object lifecycle = new Object();
    private boolean closed;

    /**
     * Loads the native library (first time in the JVM: about 0.2 s) and makes the factory.
     *
     * @param executor runs the sessions' work and timers; the caller shuts it down after {@link #close()}
     */
    public HostPeer(HostPeerSettings settings, ScheduledExecutorService executor) {
        this.settings = settings;
        this.executor = executor;
        this.audioModule = new HeadlessAudioDeviceModule();
        try {
            this.factory = new PeerConnectionFactory(audioModule);
        } catch (RuntimeException | Error failure) {
            audioModule.dispose();
            throw failure;
        }
        LOG.info(() -> "Host peer ready; ICE servers: " + (settings.iceServers().isEmpty()
                ? "none (host candidates only)" : settings.iceServers())
                + (settings.minPort() > 0 ? ", ports " + settings.minPort() + "-" + settings.maxPort() : "") + ".");
    }

    /**
     * Starts answering phones that connect to {@code hostId}. The caller registers the id with the signaling
     * registry and passes every message for it to the endpoint's {@link SignalingEndpoint#receive}.
     *
     * @throws IllegalStateException when the id is attached already or the host peer is closed
     */
    public SignalingEndpoint attach(String hostId, SignalingLink link, PeerSessionAcceptor acceptor) {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("The host peer is closed; " + hostId + " cannot be attached.");
            }
            for (SignalingEndpoint endpoint : endpoints) {
                if (endpoint.hostId().equals(hostId)) {
                    throw new IllegalStateException(hostId + " is attached to the host peer already.");
                }
            }
            SignalingEndpoint endpoint = new SignalingEndpoint(this, hostId, link, acceptor);
            endpoints.add(endpoint);
            return endpoint;
        }
    }

    /** Sessions open or connecting now, over all ids. */
    public int sessionCount() {
        return sessions.get();
    }

    public HostPeerSettings settings() {
        return settings;
    }

    /**
     * Ends every session (listeners hear {@link SessionClosed.Reason#HOST_STOPPED} if the executor still runs),
     * then disposes of the factory and the audio module. Native objects are released on the calling thread, in the
     * order webrtc-java needs: each channel, then each peer connection, then the factory, then the audio module.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (SignalingEndpoint endpoint : List.copyOf(endpoints)) {
            endpoint.close();
        }
        factory.dispose();
        audioModule.dispose();
        LOG.info("Host peer stopped; the native WebRTC factory is released.");
    }

    /** @throws IllegalStateException when the host peer is closed */
    RTCPeerConnection createPeerConnection(PeerConnectionObserver observer) {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("The host peer is closed.");
            }
            return factory.createPeerConnection(configuration(), observer);
        }
    }

    Executor executor() {
        return executor;
    }

    Future<?> schedule(Runnable task, Duration delay) {
        return executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    boolean reserveSession() {
        int now;
        do {
            now = sessions.get();
            if (now >= settings.maxSessions()) {
                return false;
            }
        } while (!sessions.compareAndSet(now, now + 1));
        return true;
    }

    void releaseSession() {
        sessions.decrementAndGet();
    }

    void detach(SignalingEndpoint endpoint) {
        endpoints.remove(endpoint);
    }

    private RTCConfiguration configuration() {
        RTCConfiguration configuration = new RTCConfiguration();
        for (IceServer server : settings.iceServers()) {
            RTCIceServer iceServer = new RTCIceServer();
            iceServer.urls.add(server.url());
            iceServer.username = server.username();
            iceServer.password = server.password();
            configuration.iceServers.add(iceServer);
        }
        configuration.portAllocatorConfig.minPort = settings.minPort();
        configuration.portAllocatorConfig.maxPort = settings.maxPort();
        return configuration;
    }
}

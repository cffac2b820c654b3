package dev.persona.peer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import dev.onvoid.webrtc.RTCIceTransportPolicy;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import dev.persona.peer.logs.RefusalLog;

/**
 * The host's WebRTC peer: owns the one native {@link PeerConnectionFactory} of the application (made with a headless
 * audio module, as a server has no sound device) and the sessions made with it. Make one per JVM and keep it for the
 * application's lifetime (each factory costs native threads and leaks about 2.5 MB when disposed); {@link #close()}
 * releases everything in the order webrtc-java needs.
 *
 * <p>The host answers phones under each of its ids through a {@link SignalingEndpoint} from {@link #attach}. All work
 * runs on the executor given here, never on WebRTC's native threads; in the server it must run tasks with the
 * application's context (see {@code HostPeerService}).
 *
 * <p>It keeps the budgets of sessions: at most {@code maxSessions} at once, of which at most
 * {@code maxStrangerSessions} are of strangers (phones that are not an approved device of the id they call) until
 * they are admitted, so that strangers never take the places of approved phones; and at most
 * {@code maxPerAddress} unproven sessions of strangers from one network address. Refused offers are logged through
 * one {@link RefusalLog}, summarised once per {@code refusalsLogInterval}.
 */
public final class HostPeer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(HostPeer.class.getName());

    /** The host peer's name in its TURN user names ({@code <expiry>:host}), as the TURN server logs them. */
    static final String TURN_LABEL = "host";

    private final HostPeerSettings settings;
    private final ScheduledExecutorService executor;
    private final HeadlessAudioDeviceModule audioModule;
    private final PeerConnectionFactory factory;
    private final Set<SignalingEndpoint> endpoints = ConcurrentHashMap.newKeySet();
    private final AtomicInteger sessions = new AtomicInteger();
    private final AtomicInteger strangerSessions = new AtomicInteger();
    private final Map<String, Integer> unprovenByAddress = new HashMap<>();
    private final RefusalLog refusals;
    private final Future<?> refusalSummaries;
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
        this.refusals = new RefusalLog(Logger.getLogger(SignalingEndpoint.class.getName()), "offers",
                settings.refusalsLogInterval());
        this.audioModule = new HeadlessAudioDeviceModule();
        try {
            this.factory = new PeerConnectionFactory(audioModule);
        } catch (RuntimeException | Error failure) {
            audioModule.dispose();
            throw failure;
        }
        long interval = settings.refusalsLogInterval().toNanos();
        this.refusalSummaries = executor.scheduleAtFixedRate(refusals::summarise, interval, interval,
                TimeUnit.NANOSECONDS);
        LOG.info(() -> "Host peer ready; ICE servers: " + (settings.iceServers().isEmpty() && settings.turn() == null
                ? "none (host candidates only)" : settings.iceServers())
                + (settings.turn() != null ? ", TURN " + settings.turn() : "")
                + (settings.relayOnly() ? ", relay candidates only" : "")
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
        refusalSummaries.cancel(false);
        refusals.summarise();
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

    /** Whether every place is taken now (a quick check before any work on an offer). */
    boolean full() {
        return sessions.get() >= settings.maxSessions();
    }

    /**
     * Takes a place for a session, if one is free: a stranger's also needs a place in the strangers' budget.
     *
     * @return null when it got one, else why not
     */
    synchronized String reserveSession(boolean stranger) {
        if (sessions.get() >= settings.maxSessions()) {
            return settings.maxSessions() + " sessions are open or connecting already (" + HostPeerSettings.MAX_SESSIONS
                    + ")";
        }
        if (stranger && strangerSessions.get() >= settings.handshake().maxStrangerSessions()) {
            return settings.handshake().maxStrangerSessions() + " sessions of phones that are not approved devices "
                    + "are open or connecting already (" + HostPeerSettings.MAX_STRANGER_SESSIONS + ")";
        }
        sessions.incrementAndGet();
        if (stranger) {
            strangerSessions.incrementAndGet();
        }
        return null;
    }

    /** A stranger's session was admitted: it leaves the strangers' budget and keeps its place. */
    synchronized void admitted() {
        strangerSessions.decrementAndGet();
    }

    synchronized void releaseSession(boolean stranger) {
        sessions.decrementAndGet();
        if (stranger) {
            strangerSessions.decrementAndGet();
        }
    }

    /**
     * Counts an unproven session of a stranger from {@code address}, if that address has fewer than
     * {@code maxPerAddress} such sessions.
     */
    synchronized boolean holdAddress(String address) {
        int held = unprovenByAddress.getOrDefault(address, 0);
        if (held >= settings.handshake().maxPerAddress()) {
            return false;
        }
        unprovenByAddress.put(address, held + 1);
        return true;
    }

    synchronized void releaseAddress(String address) {
        unprovenByAddress.computeIfPresent(address, (key, held) -> held > 1 ? held - 1 : null);
    }

    RefusalLog refusals() {
        return refusals;
    }

    void detach(SignalingEndpoint endpoint) {
        endpoints.remove(endpoint);
    }

    private RTCConfiguration configuration() {
        RTCConfiguration configuration = new RTCConfiguration();
        List<IceServer> servers = new ArrayList<>(settings.iceServers());
        if (settings.turn() != null) {
            servers.addAll(settings.turn().issue(TURN_LABEL, Instant.now()));
        }
        for (IceServer server : servers) {
            RTCIceServer iceServer = new RTCIceServer();
            iceServer.urls.add(server.url());
            iceServer.username = server.username();
            iceServer.password = server.password();
            configuration.iceServers.add(iceServer);
        }
        if (settings.relayOnly()) {
            configuration.iceTransportPolicy = RTCIceTransportPolicy.RELAY;
        }
        configuration.portAllocatorConfig.minPort = settings.minPort();
        configuration.portAllocatorConfig.maxPort = settings.maxPort();
        return configuration;
    }
}

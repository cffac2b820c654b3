package dev.persona.signaling;

import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.persona.signaling.identity.ProofVerifier;
import dev.persona.signaling.identity.ReplayCache;
import dev.persona.signaling.registry.InMemoryPeerRegistry;
import dev.persona.signaling.registry.PeerRegistry;

/**
 * The signaling server of one application: its settings, the peer registry, the proof verifier, the bounded log of
 * refused peers, and the periodic sweep that expires waiting messages and drops silent peers. The WebSocket endpoint and the REST resource are built
 * on it; in-process peers use {@link #registry()}. The scheduler is given, never made here: in the application server
 * it is the container's {@code ManagedScheduledExecutorService}, so {@link #close()} cancels the sweep and leaves the
 * scheduler running.
 */
public final class SignalingServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SignalingServer.class.getName());

    private final SignalingSettings settings;
    private final PeerRegistry registry;
    private final ProofVerifier verifier;
    private final ScheduledExecutorService scheduler;
    private final RefusalLog refusals;
    private ScheduledFuture<?> sweeping;

    public SignalingServer(SignalingSettings settings, PeerRegistry registry, ProofVerifier verifier,
                           ScheduledExecutorService scheduler, RefusalLog refusals) {
        this.settings = settings;
        this.registry = registry;
        this.verifier = verifier;
        this.scheduler = scheduler;
        this.refusals = refusals;
    }

    /**
     * A server with the in-memory registry and replay cache, which also delivers to in-process peers on
     * {@code scheduler}. Call {@link #start()} to begin sweeping.
     */
    public static SignalingServer inMemory(SignalingSettings settings, ScheduledExecutorService scheduler,
                                           Clock clock) {
        PeerRegistry registry = new InMemoryPeerRegistry(new InMemoryPeerRegistry.Limits(settings.concurrentLimit(),
                settings.peersPerSource(), settings.queuedMessagesPerPeer(), settings.queuedBytes(),
                settings.queuedBytesPerSource()), settings.expireTimeout(), settings.aliveTimeout(), clock, scheduler);
        ProofVerifier verifier = new ProofVerifier(settings.origins(), settings.proofMaxAge(),
                settings.proofClockSkew(),
                new ReplayCache(settings.replayCacheCapacity(), settings.proofsPerSource()), clock);
        return new SignalingServer(settings, registry, verifier, scheduler,
                new RefusalLog(Logger.getLogger(RefusalLog.class.getName()), clock));
    }

    /** Starts the periodic sweep, every {@link SignalingSettings#sweepInterval()}. */
    public synchronized void start() {
        if (sweeping != null) {
            throw new IllegalStateException("The signaling server is already started.");
        }
        long interval = settings.sweepInterval().toMillis();
        sweeping = scheduler.scheduleWithFixedDelay(this::sweep, interval, interval, TimeUnit.MILLISECONDS);
        LOG.info(() -> "Signaling started: origins " + settings.origins() + ", non-key ids "
                + (settings.allowNonKeyIds() ? "allowed" : "refused") + ", at most " + settings.concurrentLimit()
                + " peers (" + settings.peersPerSource() + " per source address), " + settings.proofsPerSource()
                + " recent proofs per source address, " + settings.queuedBytes() + " bytes waiting for absent peers ("
                + settings.queuedBytesPerSource() + " per source address).");
    }

    /** Stops the sweep; connected peers stay until their sockets close. */
    @Override
    public synchronized void close() {
        if (sweeping != null) {
            sweeping.cancel(false);
            sweeping = null;
        }
    }

    public SignalingSettings settings() {
        return settings;
    }

    public PeerRegistry registry() {
        return registry;
    }

    public ProofVerifier verifier() {
        return verifier;
    }

    /** Where the endpoint logs the peers it refuses or closes. */
    public RefusalLog refusals() {
        return refusals;
    }

    private void sweep() {
        try {
            registry.sweep();
            refusals.endMinuteIfOver();
        } catch (RuntimeException e) {
            // A periodic task that throws is never run again; log and keep sweeping.
            LOG.log(Level.SEVERE, "The signaling sweep failed; it runs again at the next interval.", e);
        }
    }
}

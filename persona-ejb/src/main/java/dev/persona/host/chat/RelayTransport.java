package dev.persona.host.chat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

import dev.persona.peer.HostPeerSettings;
import dev.persona.peer.SerialExecutor;

/**
 * Carries one {@link PhoneSession} over the relay WebSocket (docs/protocol.md, "Transports"): each text message of
 * the socket is one protocol message, in both directions. Before the phone has proven its key the host peer's
 * handshake limits apply as on the data channel: messages of at most {@code persona.peer.handshake.max.bytes}, the
 * handshake within {@code persona.peer.handshake.timeout.ms}, and at most
 * {@code persona.peer.max.unproven.per.address} such sockets from one address; after it, messages up to
 * {@code persona.peer.max.message.bytes}. The web's endpoint feeds it what the socket hears, on the socket's I/O
 * thread: the session's work runs in order on the executor given, never there.
 */
public final class RelayTransport implements PhoneChannel {

    private static final Logger LOG = Logger.getLogger(RelayTransport.class.getName());

    private final PhoneSession session;
    private final RelaySocket socket;
    private final HostPeerSettings limits;
    private final RelayPlaces places;
    private final String address;
    /** Runs the session's work in arrival order, off the socket's I/O thread (admission reads the database). */
    private final Executor events;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean proven;
    /** Whether the socket still counts against its address (until proven or closed). */
    private boolean countsAgainstAddress = true;
    private volatile Future<?> deadline;

    private RelayTransport(PhoneSession session, RelaySocket socket, HostPeerSettings limits,
                           RelayPlaces places, String address, Executor executor) {
        this.events = new SerialExecutor(executor);
        this.session = session;
        this.socket = socket;
        this.limits = limits;
        this.places = places;
        this.address = address;
    }

    /**
     * Opens the session on the socket, or closes the socket (policy violation) when the relay sockets are at
     * {@code persona.peer.max.sessions} or {@code address} has its unproven sockets already.
     *
     * @return the transport, or null when the socket was refused
     */
    static RelayTransport open(PhoneSession session, RelaySocket socket, HostPeerSettings limits,
                               RelayPlaces places, String address, Executor executor,
                               ScheduledExecutorService timers) {
        String refused = places.take(address);
        if (refused != null) {
            LOG.info(() -> "Refused a relay socket from " + address + ": " + refused + ".");
            socket.close(true, "No place for another relay socket from here");
            session.closed();
            return null;
        }
        RelayTransport transport = new RelayTransport(session, socket, limits, places, address, executor);
        session.opened(transport);
        Duration timeout = limits.handshake().timeout();
        try {
            transport.deadline = timers.schedule(transport::checkHandshake, timeout.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            transport.violation("The host is stopping.");
        }
        return transport;
    }

    /** Whether the phone completed the handshake on this socket. */
    boolean isProven() {
        return proven;
    }

    /** One text message from the phone. */
    public void received(String message) {
        if (ended.get()) {
            return;
        }
        int bytes = message.getBytes(StandardCharsets.UTF_8).length;
        if (!proven && bytes > limits.handshake().maxBytes()) {
            LOG.info(() -> "Phone " + session.phoneId() + " sent " + bytes + " bytes on its relay socket before "
                    + "completing the handshake, where at most " + limits.handshake().maxBytes() + " are accepted ("
                    + HostPeerSettings.HANDSHAKE_MAX_BYTES + "); the host closed it.");
            violation("Message too large before the handshake");
            return;
        }
        if (bytes > limits.maxMessageBytes()) {
            events.execute(() -> session.rejected(true, "A message may have at most " + limits.maxMessageBytes() + " bytes; this one has "
                    + bytes + "."));
            return;
        }
        events.execute(() -> session.received(message));
    }

    /** A binary message from the phone: not part of the protocol (the session answers with an error). */
    public void receivedBinary() {
        if (!ended.get()) {
            events.execute(session::receivedBinary);
        }
    }

    /** The socket closed (either side): the session ends once. */
    public void closed() {
        if (ended.compareAndSet(false, true)) {
            Future<?> timer = deadline;
            if (timer != null) {
                timer.cancel(false);
            }
            boolean wasProven;
            synchronized (this) {
                wasProven = !countsAgainstAddress;
                countsAgainstAddress = false;
            }
            places.leave(address, wasProven);
            events.execute(session::closed);
        }
    }

    private void checkHandshake() {
        if (!proven && !ended.get()) {
            LOG.info(() -> "Phone " + session.phoneId() + " did not complete the handshake within "
                    + limits.handshake().timeout().toMillis() + " ms of opening its relay socket ("
                    + HostPeerSettings.HANDSHAKE_TIMEOUT_MS + "); the host closed it.");
            violation("Handshake not completed in time");
        }
    }

    private void violation(String reason) {
        socket.close(true, reason);
    }

    @Override
    public boolean send(String frame) {
        return !ended.get() && socket.send(frame);
    }

    @Override
    public void proven(boolean admitted) {
        proven = true;
        Future<?> timer = deadline;
        if (timer != null) {
            timer.cancel(false);
        }
        synchronized (this) {
            if (countsAgainstAddress && !ended.get()) {
                countsAgainstAddress = false;
                places.proven(address);
            }
        }
    }

    @Override
    public LiveSessions.Transport transport() {
        return LiveSessions.Transport.RELAY;
    }

    @Override
    public void close() {
        socket.close(false, "Closed by the host");
    }
}

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
    private final RelayAddresses addresses;
    private final String address;
    /** Runs the session's work in arrival order, off the socket's I/O thread (admission reads the database). */
    private final Executor events;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean proven;
    private volatile boolean addressHeld;
    private volatile Future<?> deadline;

    private RelayTransport(PhoneSession session, RelaySocket socket, HostPeerSettings limits,
                           RelayAddresses addresses, String address, Executor executor) {
        this.events = new SerialExecutor(executor);
        this.session = session;
        this.socket = socket;
        this.limits = limits;
        this.addresses = addresses;
        this.address = address;
    }

    /**
     * Opens the session on the socket, or closes the socket (policy violation) when {@code address} has its
     * unproven sockets already.
     *
     * @return the transport, or null when the socket was refused
     */
    static RelayTransport open(PhoneSession session, RelaySocket socket, HostPeerSettings limits,
                               RelayAddresses addresses, String address, Executor executor,
                               ScheduledExecutorService timers) {
        if (!addresses.hold(address)) {
            String why = "Too many unfinished handshakes from this address";
            LOG.info(() -> "Refused a relay socket from " + address + ": it has "
                    + limits.handshake().maxPerAddress() + " that have not completed the handshake already ("
                    + HostPeerSettings.MAX_UNPROVEN_PER_ADDRESS + ").");
            socket.close(true, why);
            session.closed();
            return null;
        }
        RelayTransport transport = new RelayTransport(session, socket, limits, addresses, address,
                executor);
        transport.addressHeld = true;
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
            releaseAddress();
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

    private synchronized void releaseAddress() {
        if (addressHeld) {
            addressHeld = false;
            addresses.release(address);
        }
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
        releaseAddress();
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

package dev.persona.peer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelBuffer;
import dev.onvoid.webrtc.RTCDataChannelObserver;
import dev.onvoid.webrtc.RTCDataChannelState;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceConnectionState;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionIceErrorEvent;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.RTCStats;
import dev.onvoid.webrtc.RTCStatsReport;
import dev.onvoid.webrtc.RTCStatsType;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.persona.peer.SessionClosed.Reason;
import dev.persona.peer.logs.LogText;
import dev.persona.signaling.SourceAddress;

/**
 * One phone's connection, from its offer to the end: the answer, the candidates both ways, the data channel, and the
 * release of the native objects in the order webrtc-java needs (channel: unregister, close, dispose; then the peer
 * connection). WebRTC's native threads only queue work here ({@link ConnectionEvents}, {@link ChannelEvents}); the
 * work runs in order on {@link #events}. Native objects are touched only while holding this object's lock and only
 * until the session ends, so that {@link HostPeer#close()} can dispose of the factory safely afterwards.
 *
 * <p>Until the listener says the phone is {@linkplain #proven proven}, the session is held to the handshake limits
 * ({@link HostPeerSettings.HandshakeLimits}): it is closed when its handshake deadline passes, on the first frame or
 * chunked message larger than a handshake message, and, for a stranger, when its network address (the remote side of
 * the selected candidate pair, known once ICE has connected) has too many unproven sessions already.
 */
final class WebRtcSession implements PeerSession {

    private static final Logger LOG = Logger.getLogger(WebRtcSession.class.getName());

    /**
     * Bytes queued inside libwebrtc above which sending pauses (libwebrtc closes a channel whose queue passes 16 MiB).
     * webrtc-java 0.14 does not report the queue draining, so a paused sender looks again after
     * {@link #DRAIN_RETRY}.
     */
    private static final long HIGH_WATER_BYTES = 1024 * 1024;
    private static final Duration DRAIN_RETRY = Duration.ofMillis(5);
    /** How long a close waits for the messages sent before it to leave. */
    private static final Duration CLOSE_DRAIN_LIMIT = Duration.ofSeconds(2);

    /** Bytes waiting in this session beyond which the phone counts as too slow. */
    private static final long MAX_WAITING_BYTES = 64L * 1024 * 1024;

    /** What peerjs's {@code "json"} serialization sends for {@code connection.close({flush: true})}. */
    private static final String PEERJS_CLOSE = "{\"__peerData\":{\"type\":\"close\"}}";

    private static final SessionClosed REFUSED = new SessionClosed(Reason.CLOSED_BY_HOST,
            "The host left the offer unanswered.");

    private final HostPeer host;
    private final SignalingEndpoint endpoint;
    private final ConnectionRequest request;
    private final String offerSdp;
    private final PeerSessionAcceptor acceptor;
    private final long offeredAt = System.nanoTime();
    private final SerialExecutor events;
    private final SerialExecutor outbound;

    // Confined to the event order.
    private PeerSessionListener listener;
    private boolean remoteDescriptionSet;
    private final List<RTCIceCandidate> earlyRemoteCandidates = new ArrayList<>();
    private boolean answerSent;
    private final List<RTCIceCandidate> earlyLocalCandidates = new ArrayList<>();
    private ChunkReassembler reassembler;
    private boolean fullSizeMessages;
    private RTCIceConnectionState iceState = RTCIceConnectionState.NEW;

    // Guarded by this.
    private RTCPeerConnection connection;
    private ConnectionEvents connectionEvents;
    private RTCDataChannel channel;
    private ChannelEvents channelEvents;
    private Future<?> connectTimer;
    private Future<?> handshakeTimer;
    /** Whether this session holds a place in the host's budget, and whether in the strangers' part of it. */
    private boolean reserved;
    private boolean stranger;
    /** The address this unproven stranger's session is counted under, or null. */
    private String heldAddress;

    private volatile boolean proven;

    private volatile SessionClosed closed;
    private volatile boolean open;

    private final Queue<byte[]> waitingFrames = new ConcurrentLinkedQueue<>();
    private final AtomicLong waitingBytes = new AtomicLong();
    private final AtomicBoolean drainRetryPending = new AtomicBoolean();
    /**
     * At least what libwebrtc's queue holds (it only shrinks between our sends): libwebrtc is asked for the real
     * figure only when this passes {@link #HIGH_WATER_BYTES}, since each question is a blocking call into its
     * signaling thread (a thread wake-up per token piece while llama-server keeps the cores busy).
     */
    private long bufferedAtMost;
    private final AtomicLong nextMessageId = new AtomicLong();

    WebRtcSession(HostPeer host, SignalingEndpoint endpoint, PeerjsPayloads.Offer offer,
                  PeerSessionAcceptor acceptor) {
        this.host = host;
        this.endpoint = endpoint;
        this.request = offer.request();
        this.offerSdp = offer.sdp();
        this.acceptor = acceptor;
        this.events = new SerialExecutor(host.executor());
        this.outbound = new SerialExecutor(host.executor());
        this.reassembler = new ChunkReassembler(host.settings().handshake().maxBytes());
    }

    @Override
    public ConnectionRequest request() {
        return request;
    }

    @Override
    public boolean send(String message) {
        if (!open) {
            return false;
        }
        List<byte[]> frames = MessageFrames.split(message, nextMessageId.getAndIncrement());
        long size = 0;
        for (byte[] frame : frames) {
            size += frame.length;
        }
        if (waitingBytes.addAndGet(size) > MAX_WAITING_BYTES) {
            waitingBytes.addAndGet(-size);
            events.execute(() -> end(new SessionClosed(Reason.PHONE_TOO_SLOW, "Phone " + request.phoneId()
                    + " did not take messages as fast as the host sent them (more than " + MAX_WAITING_BYTES
                    + " bytes were waiting); it was disconnected and may reconnect.")));
            return false;
        }
        waitingFrames.addAll(frames);
        outbound.execute(this::drain);
        return true;
    }

    @Override
    public void proven(boolean admitted) {
        proven = true;
        synchronized (this) {
            if (closed != null) {
                return;
            }
            if (handshakeTimer != null) {
                handshakeTimer.cancel(false);
            }
            if (heldAddress != null) {
                host.releaseAddress(heldAddress);
                heldAddress = null;
            }
            if (admitted && stranger) {
                stranger = false;
                host.admitted();
            }
        }
    }

    /** Whether the phone has completed the handshake. */
    boolean isProven() {
        return proven;
    }

    /**
     * Closes once what was sent before has left: the close takes its turn after the queued sends, then waits (at
     * most {@link #CLOSE_DRAIN_LIMIT}) until libwebrtc has handed them to the network, so that a last message, such
     * as the reason for a refusal, reaches the phone.
     */
    @Override
    public void close() {
        long deadline = System.nanoTime() + CLOSE_DRAIN_LIMIT.toNanos();
        outbound.execute(() -> closeWhenDrained(deadline));
    }

    private void closeWhenDrained(long deadline) {
        boolean drained;
        synchronized (this) {
            if (closed != null) {
                return;
            }
            drained = waitingFrames.isEmpty() && (channel == null || channel.getBufferedAmount() == 0);
        }
        if (drained || System.nanoTime() - deadline > 0) {
            end(new SessionClosed(Reason.CLOSED_BY_HOST, "The host closed " + describe() + "."));
            return;
        }
        try {
            host.schedule(() -> outbound.execute(() -> closeWhenDrained(deadline)), DRAIN_RETRY);
        } catch (RejectedExecutionException stopping) {
            end(new SessionClosed(Reason.HOST_STOPPED, "The host stopped while closing " + describe() + "."));
        }
    }

    /** Asks the acceptor, then applies the offer; queued by the endpoint right after the session is made. */
    void start() {
        events.execute(this::acceptAndApplyOffer);
    }

    /** A candidate from the phone; kept until the offer is applied. */
    void addRemoteCandidate(RTCIceCandidate candidate) {
        events.execute(() -> remoteCandidate(candidate));
    }

    /** Whether the data channel is open (and the session has not ended). */
    boolean isOpen() {
        return open;
    }

    /** When the phone's offer made this session ({@link System#nanoTime()}). */
    long offeredAt() {
        return offeredAt;
    }

    /**
     * Ends the session once: releases the native objects at once, on the calling thread, then tells the listener
     * on the event order. Later calls do nothing.
     */
    void end(SessionClosed ending) {
        end(ending, switch (ending.reason()) {
            case CLOSED_BY_HOST, CLOSED_BY_PHONE, HOST_STOPPED -> Level.INFO;
            case UNREACHABLE, NEGOTIATION_FAILED, CONNECTION_LOST, PHONE_TOO_SLOW -> Level.WARNING;
        });
    }

    /**
     * Ends the session because a newer offer of its phone took its place: as {@link #end}, logged at FINE only, as
     * a flood of offers from one key may replace one session a second.
     */
    void replaced(SessionClosed ending) {
        end(ending, Level.FINE);
    }

    private void end(SessionClosed ending, Level level) {
        synchronized (this) {
            if (closed != null) {
                return;
            }
            closed = ending;
            open = false;
            if (connectTimer != null) {
                connectTimer.cancel(false);
            }
            if (handshakeTimer != null) {
                handshakeTimer.cancel(false);
            }
            releaseNativeObjects();
            releasePlaces();
        }
        waitingFrames.clear();
        waitingBytes.set(0);
        endpoint.forget(this);
        LOG.log(level, ending.message());
        events.execute(() -> tellListener(listener -> listener.onClose(this, ending)));
    }

    String describe() {
        return "connection " + request.connectionId() + " from phone " + request.phoneId() + " to "
                + request.hostId();
    }

    private void acceptAndApplyOffer() {
        if (closed != null) {
            return;
        }
        boolean knownPhone;
        try {
            knownPhone = acceptor.knows(request);
        } catch (RuntimeException failure) {
            LOG.log(Level.WARNING, "Could not tell whether phone " + request.phoneId() + " is an approved device; "
                    + describe() + " counts as a stranger's.", failure);
            knownPhone = false;
        }
        String noPlace;
        synchronized (this) {
            if (closed != null) {
                return;
            }
            noPlace = host.reserveSession(!knownPhone);
            reserved = noPlace == null;
            stranger = reserved && !knownPhone;
        }
        if (noPlace != null) {
            host.refusals().refused(request.phoneId(), () -> "Left the offer of " + describe() + " unanswered: "
                    + noPlace + ".");
            discard();
            return;
        }
        Optional<PeerSessionListener> accepted;
        try {
            accepted = acceptor.accept(request);
        } catch (RuntimeException failure) {
            LOG.log(Level.SEVERE, "Left the offer of " + describe() + " unanswered: the acceptor failed.", failure);
            discard();
            return;
        }
        if (accepted.isEmpty()) {
            LOG.info(() -> "Left the offer of " + describe() + " unanswered: the acceptor refused it.");
            discard();
            return;
        }
        listener = accepted.get();
        synchronized (this) {
            if (closed != null) {
                return;
            }
            connectionEvents = new ConnectionEvents(this);
            try {
                connection = host.createPeerConnection(connectionEvents);
                connectTimer = host.schedule(() -> events.execute(this::checkConnected),
                        host.settings().connectTimeout());
            } catch (IllegalStateException | RejectedExecutionException stopped) {
                end(new SessionClosed(Reason.HOST_STOPPED, "The host stopped before it could answer " + describe()
                        + "."));
                return;
            } catch (RuntimeException failure) {
                end(new SessionClosed(Reason.NEGOTIATION_FAILED, "Could not create a peer connection for "
                        + describe() + ": " + failure.getMessage() + ". Check " + HostPeerSettings.ICE_SERVERS
                        + "."));
                return;
            }
            connection.setRemoteDescription(new RTCSessionDescription(RTCSdpType.OFFER, offerSdp),
                    whenSet("apply the phone's offer", this::answer));
        }
    }

    /** The offer is applied: candidates that came early go in, and the answer is made. */
    private void answer() {
        synchronized (this) {
            if (closed != null) {
                return;
            }
            remoteDescriptionSet = true;
            earlyRemoteCandidates.forEach(this::addToConnection);
            earlyRemoteCandidates.clear();
            connection.createAnswer(new RTCAnswerOptions(), new CreateSessionDescriptionObserver() {
                @Override
                public void onSuccess(RTCSessionDescription answer) {
                    events.execute(() -> applyAnswer(answer));
                }

                @Override
                public void onFailure(String error) {
                    events.execute(() -> negotiationFailed("make an answer", error));
                }
            });
        }
    }

    private void applyAnswer(RTCSessionDescription answer) {
        synchronized (this) {
            if (closed != null) {
                return;
            }
            connection.setLocalDescription(answer, whenSet("apply the host's answer", () -> sendAnswer(answer)));
        }
    }

    /** The phone must have the answer before any candidate: peerjs adds candidates to a described connection only. */
    private void sendAnswer(RTCSessionDescription answer) {
        if (closed != null) {
            return;
        }
        endpoint.signal("ANSWER", request.phoneId(), PeerjsPayloads.answer(answer.sdp, request.connectionId()));
        answerSent = true;
        earlyLocalCandidates.forEach(this::signalCandidate);
        earlyLocalCandidates.clear();
    }

    private SetSessionDescriptionObserver whenSet(String step, Runnable next) {
        return NativeCallbacks.whenSet(events, next, error -> negotiationFailed(step, error));
    }

    private void negotiationFailed(String step, String error) {
        end(new SessionClosed(Reason.NEGOTIATION_FAILED, "Could not " + step + " for " + describe() + ": " + error
                + ". The phone's browser may lack WebRTC data channels, or the offer was altered on the way."));
    }

    private void remoteCandidate(RTCIceCandidate candidate) {
        synchronized (this) {
            if (closed != null) {
                return;
            }
            if (remoteDescriptionSet) {
                addToConnection(candidate);
            } else {
                earlyRemoteCandidates.add(candidate);
            }
        }
    }

    private void addToConnection(RTCIceCandidate candidate) {
        try {
            connection.addIceCandidate(candidate);
        } catch (RuntimeException unusable) {
            LOG.fine(() -> "Ignored the candidate '" + LogText.untrusted(candidate.sdp) + "' of " + describe() + ": "
                    + unusable.getMessage());
        }
    }

    private void localCandidate(RTCIceCandidate candidate) {
        if (closed != null) {
            return;
        }
        if (answerSent) {
            signalCandidate(candidate);
        } else {
            earlyLocalCandidates.add(candidate);
        }
    }

    private void signalCandidate(RTCIceCandidate candidate) {
        endpoint.signal("CANDIDATE", request.phoneId(), PeerjsPayloads.candidate(candidate, request.connectionId()));
    }

    private void iceStateChanged(RTCIceConnectionState state) {
        iceState = state;
        if (state == RTCIceConnectionState.FAILED) {
            pathFailed("ICE failed");
        }
    }

    private void pathFailed(String detail) {
        if (closed != null) {
            return;
        }
        if (open) {
            end(new SessionClosed(Reason.CONNECTION_LOST, "The path to phone " + request.phoneId() + " broke ("
                    + detail + " after the channel had opened): the phone left the network, went to sleep, or "
                    + "changed networks. It may reconnect."));
        } else {
            end(unreachable(detail));
        }
    }

    private void checkConnected() {
        if (closed == null && !open) {
            String ice = switch (iceState) {
                case NEW -> "no candidates were exchanged";
                case CHECKING -> "the connectivity checks found no path";
                default -> "ICE " + iceState.name().toLowerCase(Locale.ROOT);
            };
            end(unreachable("no data channel " + host.settings().connectTimeout().toMillis() + " ms after its offer; "
                    + ice));
        }
    }

    private SessionClosed closedByPhone() {
        return new SessionClosed(Reason.CLOSED_BY_PHONE, "Phone " + request.phoneId() + " closed its connection "
                + request.connectionId() + " to " + request.hostId() + ".");
    }

    private SessionClosed unreachable(String detail) {
        HostPeerSettings settings = host.settings();
        String ports = settings.minPort() > 0 ? " on ports " + settings.minPort() + "-" + settings.maxPort() : "";
        return new SessionClosed(Reason.UNREACHABLE, "Phone " + request.phoneId() + " could not reach the host "
                + request.hostId() + " peer-to-peer (" + detail + "). Check that the phone is on the same network "
                + "as the host (not on mobile data, a guest Wi-Fi that isolates clients, or a VPN), that the host's "
                + "firewall lets UDP in" + ports + ", or set a STUN/TURN server in " + HostPeerSettings.ICE_SERVERS
                + ".");
    }

    private void channelArrived(RTCDataChannel arrived) {
        synchronized (this) {
            if (closed != null || channel != null) {
                LOG.fine(() -> "Closed an unexpected data channel of " + describe() + ".");
                try {
                    arrived.close();
                } catch (RuntimeException failure) {
                    LOG.log(Level.FINE, "Could not close an unexpected data channel of " + describe() + ".", failure);
                }
                disposeQuietly(arrived);
                return;
            }
            channel = arrived;
            channelEvents = new ChannelEvents(this);
            channel.registerObserver(channelEvents);
        }
        channelStateChanged();
    }

    private void channelStateChanged() {
        RTCDataChannelState state;
        synchronized (this) {
            if (closed != null || channel == null) {
                return;
            }
            state = channel.getState();
        }
        if (state == RTCDataChannelState.OPEN) {
            opened();
        } else if (state == RTCDataChannelState.CLOSING || state == RTCDataChannelState.CLOSED) {
            end(closedByPhone());
        }
    }

    private void opened() {
        if (open) {
            return;
        }
        synchronized (this) {
            if (closed != null) {
                return;
            }
            connectTimer.cancel(false);
            open = true;
            if (!proven) {
                try {
                    handshakeTimer = host.schedule(() -> events.execute(this::checkHandshake),
                            host.settings().handshake().timeout());
                } catch (RejectedExecutionException stopping) {
                    LOG.fine(() -> "No handshake deadline for " + describe() + ": the host is stopping.");
                }
                if (stranger) {
                    connection.getStats(report -> events.execute(() -> addressKnown(remoteAddress(report))));
                }
            }
        }
        LOG.info(() -> "Opened " + describe() + " (" + request.serialization().wireName() + "), "
                + Duration.ofNanos(System.nanoTime() - offeredAt).toMillis() + " ms after its offer.");
        tellListener(listener -> listener.onOpen(this));
    }

    /**
     * A STUN or TURN server answered with an error (401 and 403: the credentials; 701: no answer). A refusal is
     * logged as a warning with what to check; no answer only at FINE, as a server unreachable from one interface is
     * normal.
     */
    private void iceServerFailed(RTCPeerConnectionIceErrorEvent event) {
        String what = "The ICE server " + LogText.untrusted(String.valueOf(event.getUrl())) + " answered "
                + event.getErrorCode() + " " + LogText.untrusted(String.valueOf(event.getErrorText())) + " to "
                + describe() + ".";
        if (event.getErrorCode() >= 400 && event.getErrorCode() < 500) {
            LOG.warning(() -> what + " A TURN server refuses credentials it cannot check or that expired: check "
                    + "that " + TurnRestCredentials.SECRET.environmentName() + " equals its static-auth-secret "
                    + "(coturn's use-auth-secret), or " + HostPeerSettings.ICE_USERNAME.environmentName() + " and "
                    + HostPeerSettings.ICE_PASSWORD.environmentName() + " its user, and that both clocks are right.");
        } else {
            LOG.fine(what);
        }
    }

    private void checkHandshake() {
        if (closed == null && !proven) {
            end(new SessionClosed(Reason.CLOSED_BY_HOST, "Phone " + request.phoneId() + " did not complete the "
                    + "handshake within " + host.settings().handshake().timeout().toMillis() + " ms of its data "
                    + "channel opening (" + HostPeerSettings.HANDSHAKE_TIMEOUT_MS + "); the host closed " + describe()
                    + "."));
        }
    }

    /** The stranger's address is known: it counts against that address's unproven sessions, or ends this one. */
    private void addressKnown(String address) {
        if (address == null) {
            LOG.fine(() -> "The selected candidate pair of " + describe() + " names no remote address.");
            return;
        }
        boolean held;
        synchronized (this) {
            if (closed != null || proven || !stranger) {
                return;
            }
            held = host.holdAddress(address);
            if (held) {
                heldAddress = address;
            }
        }
        if (!held) {
            end(new SessionClosed(Reason.CLOSED_BY_HOST, "Phone " + request.phoneId() + " connected from " + address
                    + ", which has " + host.settings().handshake().maxPerAddress() + " sessions that have not "
                    + "completed the handshake already (" + HostPeerSettings.MAX_UNPROVEN_PER_ADDRESS + "); the host "
                    + "closed " + describe() + "."));
        }
    }

    /** The selected candidate pair's remote address in a stats report as its {@link SourceAddress}, or null. */
    private static String remoteAddress(RTCStatsReport report) {
        Map<String, RTCStats> stats = report.getStats();
        for (RTCStats transport : stats.values()) {
            if (transport.getType() != RTCStatsType.TRANSPORT) {
                continue;
            }
            RTCStats pair = stats.get(String.valueOf(transport.getAttributes().get("selectedCandidatePairId")));
            RTCStats remote = pair == null ? null
                    : stats.get(String.valueOf(pair.getAttributes().get("remoteCandidateId")));
            if (remote != null) {
                Object address = remote.getAttributes().getOrDefault("address", remote.getAttributes().get("ip"));
                if (address != null) {
                    return SourceAddress.of(address.toString());
                }
            }
        }
        return null;
    }

    private void received(byte[] frame, boolean binary) {
        if (closed != null) {
            return;
        }
        int handshakeBytes = host.settings().handshake().maxBytes();
        if (!proven && frame.length > handshakeBytes) {
            end(new SessionClosed(Reason.CLOSED_BY_HOST, "Phone " + request.phoneId() + " sent a frame of "
                    + frame.length + " bytes before completing the handshake, where at most " + handshakeBytes
                    + " are accepted (" + HostPeerSettings.HANDSHAKE_MAX_BYTES + "); the host closed " + describe()
                    + "."));
            return;
        }
        if (proven && !fullSizeMessages) {
            reassembler = new ChunkReassembler(host.settings().maxMessageBytes());
            fullSizeMessages = true;
        }
        if (binary && request.serialization() == Serialization.RAW) {
            tellListener(listener -> listener.onBinary(this, frame));
            return;
        }
        String text = new String(frame, StandardCharsets.UTF_8);
        if (request.serialization() == Serialization.JSON && PEERJS_CLOSE.equals(text)) {
            end(closedByPhone());
            return;
        }
        if (!MessageFrames.isChunk(text)) {
            tellListener(listener -> listener.onText(this, text));
            return;
        }
        try {
            reassembler.add(text).ifPresent(message -> tellListener(listener -> listener.onText(this, message)));
        } catch (InvalidChunkException refused) {
            if (refused.tooLarge() && !fullSizeMessages) {
                end(new SessionClosed(Reason.CLOSED_BY_HOST, "Phone " + request.phoneId() + " sent a chunked "
                        + "message larger than " + handshakeBytes + " bytes before completing the handshake ("
                        + HostPeerSettings.HANDSHAKE_MAX_BYTES + "); the host closed " + describe() + "."));
                return;
            }
            LOG.fine(() -> "Dropped a chunked message on " + describe() + ": " + refused.getMessage());
            tellListener(listener -> listener.onRejectedMessage(this, refused.tooLarge(), refused.getMessage()));
        }
    }

    private void tellListener(Consumer<PeerSessionListener> call) {
        if (listener == null) {
            return;
        }
        try {
            call.accept(listener);
        } catch (RuntimeException failure) {
            LOG.log(Level.SEVERE, "The session listener of " + describe() + " failed.", failure);
        }
    }

    /** Sends waiting frames while libwebrtc's queue stays below {@link #HIGH_WATER_BYTES}. */
    private void drain() {
        synchronized (this) {
            if (closed != null || channel == null) {
                return;
            }
            byte[] frame;
            while ((frame = waitingFrames.peek()) != null) {
                if (bufferedAtMost + frame.length > HIGH_WATER_BYTES) {
                    bufferedAtMost = channel.getBufferedAmount();
                    if (bufferedAtMost + frame.length > HIGH_WATER_BYTES) {
                        retryDrainLater();
                        return;
                    }
                }
                waitingFrames.poll();
                waitingBytes.addAndGet(-frame.length);
                try {
                    channel.send(new RTCDataChannelBuffer(ByteBuffer.wrap(frame),
                            request.serialization().binaryFrames()));
                } catch (Exception failure) {
                    events.execute(() -> end(new SessionClosed(Reason.CONNECTION_LOST, "Sending on " + describe()
                            + " failed: " + failure.getMessage() + ".")));
                    return;
                }
                bufferedAtMost += frame.length;
            }
        }
    }

    private void retryDrainLater() {
        if (drainRetryPending.compareAndSet(false, true)) {
            try {
                host.schedule(() -> {
                    drainRetryPending.set(false);
                    outbound.execute(this::drain);
                }, DRAIN_RETRY);
            } catch (RejectedExecutionException stopping) {
                drainRetryPending.set(false);
            }
        }
    }

    /** For an offer that is left unanswered: nothing native was made and no listener is told. */
    private void discard() {
        synchronized (this) {
            if (closed != null) {
                return;
            }
            closed = REFUSED;
            releasePlaces();
        }
        endpoint.forget(this);
    }

    /** Caller holds the lock. */
    private void releasePlaces() {
        if (reserved) {
            reserved = false;
            host.releaseSession(stranger);
        }
        if (heldAddress != null) {
            host.releaseAddress(heldAddress);
            heldAddress = null;
        }
    }

    /** Caller holds the lock. The order matters: webrtc-java crashes the JVM on other orders. */
    private void releaseNativeObjects() {
        if (channel != null) {
            // webrtc-java keeps the registered observer for good; detached, it holds nothing of this session.
            channelEvents.detach();
            try {
                channel.unregisterObserver();
                channel.close();
            } catch (RuntimeException failure) {
                LOG.log(Level.WARNING, "Could not close the data channel of " + describe() + ".", failure);
            }
            disposeQuietly(channel);
            channel = null;
        }
        if (connection != null) {
            connectionEvents.detach();
            try {
                connection.close();
            } catch (RuntimeException failure) {
                LOG.log(Level.WARNING, "Could not close the peer connection of " + describe() + ".", failure);
            }
            connection = null;
        }
    }

    /**
     * Disposes of a data channel. webrtc-java reports with an {@link Error} when the peer connection still holds a
     * reference (a channel not yet fully closed); our reference is released all the same, and the peer connection
     * frees the channel when it closes.
     */
    private void disposeQuietly(RTCDataChannel disposed) {
        try {
            disposed.dispose();
        } catch (RuntimeException | Error stillReferenced) {
            LOG.finest(() -> "Data channel of " + describe() + " disposed while still referenced: "
                    + stillReferenced.getMessage());
        }
    }

    /**
     * The peer connection's observer. WebRTC calls it on its own threads; it only queues work, and holds nothing of
     * the session once detached.
     */
    private static final class ConnectionEvents implements PeerConnectionObserver {

        private volatile WebRtcSession session;

        ConnectionEvents(WebRtcSession session) {
            this.session = session;
        }

        void detach() {
            session = null;
        }

        @Override
        public void onIceCandidate(RTCIceCandidate candidate) {
            WebRtcSession target = session;
            if (target != null) {
                target.events.execute(() -> target.localCandidate(candidate));
            }
        }

        @Override
        public void onIceCandidateError(RTCPeerConnectionIceErrorEvent event) {
            WebRtcSession target = session;
            if (target != null) {
                target.events.execute(() -> target.iceServerFailed(event));
            }
        }

        @Override
        public void onIceConnectionChange(RTCIceConnectionState state) {
            WebRtcSession target = session;
            if (target != null) {
                target.events.execute(() -> target.iceStateChanged(state));
            }
        }

        @Override
        public void onConnectionChange(RTCPeerConnectionState state) {
            WebRtcSession target = session;
            if (target != null && state == RTCPeerConnectionState.FAILED) {
                target.events.execute(() -> target.pathFailed("the connection failed"));
            }
        }

        @Override
        public void onDataChannel(RTCDataChannel dataChannel) {
            WebRtcSession target = session;
            if (target != null) {
                target.events.execute(() -> target.channelArrived(dataChannel));
            }
        }
    }

    /**
     * The data channel's observer: copies each message at once (webrtc-java reuses the buffer after the call) and
     * queues it. webrtc-java 0.14 never calls {@link #onBufferedAmountChange}.
     */
    private static final class ChannelEvents implements RTCDataChannelObserver {

        private volatile WebRtcSession session;

        ChannelEvents(WebRtcSession session) {
            this.session = session;
        }

        void detach() {
            session = null;
        }

        @Override
        public void onBufferedAmountChange(long previousAmount) {
            WebRtcSession target = session;
            if (target != null) {
                target.outbound.execute(target::drain);
            }
        }

        @Override
        public void onStateChange() {
            WebRtcSession target = session;
            if (target != null) {
                target.events.execute(target::channelStateChanged);
            }
        }

        @Override
        public void onMessage(RTCDataChannelBuffer buffer) {
            WebRtcSession target = session;
            if (target != null) {
                NativeCallbacks.copyFrame(buffer, target.events, (arrived, frame, binary) -> target.received(frame, binary));
            }
        }
    }
}

package dev.persona.peer;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.onvoid.webrtc.RTCIceCandidate;
import dev.persona.peer.SessionClosed.Reason;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/**
 * The host's side of the signaling conversation for one of its ids: the registry hands it every PeerJS message sent
 * to that id ({@link #receive}), and it answers through its {@link SignalingLink}. It keeps the sessions that phones
 * opened to this id, keyed by phone and connection id (the phone id is the server's word, so one phone cannot touch
 * another's session).
 *
 * <p>A phone holds at most {@code maxPerPhone} unproven sessions. At that cap its next offer ends its oldest unproven
 * session whose data channel never opened, if its newest one is at least {@link #REPLACEMENT_SPACING} old: a page
 * reloaded on a network without a peer-to-peer path leaves such sessions behind (peerjs sends no LEAVE, and no path
 * carries the close), and only the key's holder can offer as its id. Offers closer together than that are left
 * unanswered, so a flood from one key costs at most one new peer connection per spacing.
 */
public final class SignalingEndpoint {

    private static final Logger LOG = Logger.getLogger(SignalingEndpoint.class.getName());

    /**
     * How old a phone's newest unproven session must be before the phone's next offer at the cap may replace one:
     * longer than the spacing of a flood, shorter than a page reload.
     */
    static final Duration REPLACEMENT_SPACING = Duration.ofSeconds(1);

    private record SessionKey(String phoneId, String connectionId) {
    }

    private final HostPeer host;
    private final String hostId;
    private final SignalingLink link;
    private final PeerSessionAcceptor acceptor;
    private final Map<SessionKey, WebRtcSession> sessions = new ConcurrentHashMap<>();
    /** Held while an offer is checked against the phone's sessions and added, so that two offers cannot pass at once. */
    private final Object offers = new Object();
    private volatile boolean closed;

    SignalingEndpoint(HostPeer host, String hostId, SignalingLink link, PeerSessionAcceptor acceptor) {
        this.host = host;
        this.hostId = hostId;
        this.link = link;
        this.acceptor = acceptor;
    }

    /** The host id this endpoint answers for. */
    public String hostId() {
        return hostId;
    }

    /**
     * Takes one PeerJS message sent to this id. Returns at once: the work runs on the host peer's executor. Types
     * other than OFFER, CANDIDATE, LEAVE and EXPIRE (OPEN, HEARTBEAT, ERROR…) concern the registration, not the
     * host peer, and are ignored.
     *
     * @param type the message type on the wire, like {@code OFFER}
     * @param src the sender's id as the signaling server vouches for it
     * @param payload the payload; null or {@link JsonValue#NULL} where the type has none
     */
    public void receive(String type, String src, JsonValue payload) {
        if (closed || src == null) {
            return;
        }
        switch (type) {
            case "OFFER" -> offer(src, payload);
            case "CANDIDATE" -> candidate(src, payload);
            case "LEAVE" -> endSessionsOf(src, false, new SessionClosed(Reason.CLOSED_BY_PHONE, "Phone " + src
                    + " left " + hostId + "."));
            case "EXPIRE" -> endSessionsOf(src, true, new SessionClosed(Reason.CLOSED_BY_PHONE, "Phone " + src
                    + " went away before its connection to " + hostId + " opened (the signaling server could not "
                    + "deliver the answer)."));
            default -> LOG.fine(() -> "Ignored " + type + " from " + src + " to " + hostId + ".");
        }
    }

    /** Ends every session of this id and stops answering; the registration itself is the caller's to end. */
    public void close() {
        closed = true;
        host.detach(this);
        for (WebRtcSession session : List.copyOf(sessions.values())) {
            session.end(new SessionClosed(Reason.HOST_STOPPED, "The host stopped answering as " + hostId
                    + "; " + session.describe() + " ended."));
        }
    }

    /** Sends a message for a session, in the session's order. */
    void signal(String type, String phoneId, JsonObject payload) {
        try {
            link.send(type, phoneId, payload);
        } catch (RuntimeException failure) {
            LOG.log(Level.WARNING, "Could not send " + type + " to phone " + phoneId + " as " + hostId + ": "
                    + failure.getMessage(), failure);
        }
    }

    /** Called once by a session that ended or was refused. */
    void forget(WebRtcSession session) {
        ConnectionRequest request = session.request();
        sessions.remove(new SessionKey(request.phoneId(), request.connectionId()), session);
    }

    private void offer(String phoneId, JsonValue payload) {
        PeerjsPayloads.Offer offer;
        try {
            offer = PeerjsPayloads.readOffer(hostId, phoneId, payload);
        } catch (IllegalArgumentException unusable) {
            refused(phoneId, unusable.getMessage());
            return;
        }
        SessionKey key = new SessionKey(phoneId, offer.request().connectionId());
        WebRtcSession session;
        WebRtcSession replaced = null;
        synchronized (offers) {
            if (sessions.containsKey(key)) {
                host.refusals().refused(phoneId, () -> "Ignored a second offer for connection "
                        + key.connectionId() + " from phone " + phoneId + " to " + hostId + ": peerjs does not "
                        + "renegotiate a connection.");
                return;
            }
            int maxPerPhone = host.settings().handshake().maxPerPhone();
            List<WebRtcSession> unproven = sessions.values().stream()
                    .filter(s -> s.request().phoneId().equals(phoneId) && !s.isProven())
                    .sorted(Comparator.comparingLong(WebRtcSession::offeredAt)).toList();
            if (unproven.size() >= maxPerPhone) {
                replaced = replaceable(unproven);
                if (replaced == null) {
                    refused(phoneId, "this phone has " + maxPerPhone + " sessions that have not completed the "
                            + "handshake already (" + HostPeerSettings.MAX_UNPROVEN_PER_PHONE + "), and its newest "
                            + "is younger than " + REPLACEMENT_SPACING.toMillis() + " ms or all have connected.");
                    return;
                }
            } else if (host.full()) {
                refused(phoneId, host.settings().maxSessions() + " sessions are open or connecting already ("
                        + HostPeerSettings.MAX_SESSIONS + ").");
                return;
            }
            session = new WebRtcSession(host, this, offer, acceptor);
            sessions.put(key, session);
        }
        if (replaced != null) {
            replaced.replaced(new SessionClosed(Reason.CLOSED_BY_PHONE, "Phone " + phoneId + " offered again while "
                    + "it had " + host.settings().handshake().maxPerPhone() + " sessions that had not completed the "
                    + "handshake (" + HostPeerSettings.MAX_UNPROVEN_PER_PHONE + "); the host ended the oldest, "
                    + replaced.describe() + ", whose data channel never opened (a page reloaded without a "
                    + "peer-to-peer path leaves such sessions behind)."));
        }
        session.start();
        if (closed) {
            session.end(new SessionClosed(Reason.HOST_STOPPED, "The host stopped answering as " + hostId + "."));
        }
    }

    /**
     * The session a phone's offer at its cap ends: the oldest of {@code unproven} (oldest first) whose channel never
     * opened, if the newest is at least {@link #REPLACEMENT_SPACING} old; otherwise null.
     */
    private static WebRtcSession replaceable(List<WebRtcSession> unproven) {
        long newest = unproven.get(unproven.size() - 1).offeredAt();
        if (System.nanoTime() - newest < REPLACEMENT_SPACING.toNanos()) {
            return null;
        }
        return unproven.stream().filter(s -> !s.isOpen()).findFirst().orElse(null);
    }

    /** An offer left unanswered; {@code why} has what the phone chose escaped already. */
    private void refused(String phoneId, String why) {
        host.refusals().refused(phoneId, () -> "Left an offer from phone " + phoneId + " to " + hostId
                + " unanswered: " + why);
    }

    private void candidate(String phoneId, JsonValue payload) {
        WebRtcSession session = sessions.get(new SessionKey(phoneId, PeerjsPayloads.connectionId(payload)));
        if (session == null) {
            LOG.fine(() -> "Ignored a candidate from phone " + phoneId + " for a connection " + hostId
                    + " does not have.");
            return;
        }
        RTCIceCandidate candidate;
        try {
            candidate = PeerjsPayloads.readCandidate(payload);
        } catch (IllegalArgumentException unusable) {
            LOG.fine(() -> "Ignored a candidate from phone " + phoneId + ": " + unusable.getMessage());
            return;
        }
        session.addRemoteCandidate(candidate);
    }

    private void endSessionsOf(String phoneId, boolean connectingOnly, SessionClosed ending) {
        for (WebRtcSession session : List.copyOf(sessions.values())) {
            if (session.request().phoneId().equals(phoneId) && !(connectingOnly && session.isOpen())) {
                session.end(ending);
            }
        }
    }
}

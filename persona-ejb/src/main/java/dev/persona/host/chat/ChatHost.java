package dev.persona.host.chat;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

import dev.persona.host.devices.DeviceApproved;
import dev.persona.host.devices.DeviceRevoked;
import dev.persona.host.devices.DeviceTrust;
import dev.persona.host.identity.Persona;
import dev.persona.host.identity.PersonaIdentities;
import dev.persona.host.identity.PersonaKeyRotated;
import dev.persona.host.peer.HostPeerService;
import dev.persona.host.signaling.SignalingHost;
import dev.persona.host.tools.PersonaTools;
import dev.persona.host.tools.ReminderDue;
import dev.persona.host.tools.Reminders;
import dev.persona.host.tools.TurnTools;
import dev.persona.llama.LlamaConnectionFactory;
import dev.persona.peer.ConnectionRequest;
import dev.persona.peer.HostPeerSettings;
import dev.persona.peer.IceServer;
import dev.persona.peer.PeerSessionAcceptor;
import dev.persona.peer.PeerSessionListener;
import dev.persona.peer.SignalingEndpoint;
import dev.persona.peer.TurnRestCredentials;
import dev.persona.server.ConfiguredSettings;
import dev.persona.signaling.identity.KeyId;
import dev.persona.signaling.registry.Disconnect;
import dev.persona.signaling.registry.MessageSink;
import dev.persona.signaling.registry.MessageType;
import dev.persona.signaling.registry.PeerConnection;
import dev.persona.signaling.registry.QueueLimitExceededException;
import dev.persona.signaling.registry.RegistrationRefusedException;
import dev.persona.signaling.registry.SignalingMessage;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * The chat in the container: builds the {@link ChatService} core from the container's beans (the llama connector,
 * the conversations, the device rules, the reminders, the managed executor) and its settings, puts the personas on
 * line (each persona's key id registered in the signaling registry in-process, phones' offers answered through the
 * host peer, every data channel carried to a {@link PhoneSession} by a {@link PeerTransport}, every relay WebSocket
 * by a {@link RelayTransport}), and passes the
 * container's events on to the core. The chat's slots and their context are the connector pool's
 * ({@link LlamaModelGateway}), not settings of their own.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class ChatHost {

    private static final Logger LOG = Logger.getLogger(ChatHost.class.getName());

    @Resource(lookup = LlamaConnectionFactory.LOOKUP, mappedName = LlamaConnectionFactory.MAPPED_NAME)
    private LlamaConnectionFactory llama;

    @Resource
    private ManagedExecutorService executor;

    @Resource
    private ManagedScheduledExecutorService timers;

    @EJB
    private PersonaIdentities identities;

    @EJB
    private DeviceTrust devices;

    @EJB
    private Conversations conversations;

    @Inject
    private SignalingHost signaling;

    @Inject
    private HostPeerService hostPeer;

    @Inject
    private TurnTools turnTools;

    @EJB
    private Reminders reminders;

    @EJB
    private PersonaTools personaTools;

    @Inject
    private ConfiguredSettings settings;

    private ChatService chat;
    private final ConnectionFailures connectionFailures = new ConnectionFailures();
    private final List<PeerConnection> registrations = new ArrayList<>();
    /** The personas by each key id they answer to (the current one, and a rotated one in its grace period). */
    private final Map<String, HostedPersona> online = new ConcurrentHashMap<>();
    private HostPeerSettings relayLimits;
    private RelayPlaces relayPlaces;
    /** The TURN servers a phone may use once approved; null when none is set. */
    private TurnRestCredentials turn;

    @PostConstruct
    void goOnline() {
        // The model's name for when the connector runs external servers only (no pool of its own to ask): the
        // connector's PERSONA_LLAMA_MODEL (defined in its LlamaServerSettings, which lives in the RAR, so read by name).
        String modelFile = settings.text("persona.llama.model").orElse("");
        int interrupted = conversations.interruptUnfinished();
        if (interrupted > 0) {
            LOG.warning(() -> interrupted + " answer(s) cut off when the host last stopped (a crash or a kill) are "
                    + "kept as interrupted, with what was saved of them");
        }
        chat = new ChatService(new ChatPorts(new LlamaModelGateway(llama, turnTools, modelFile),
                new StoredConversations(conversations, personaTools::callsIn),
                devices::admit, reminderInbox(), executor, Clock.systemUTC()), ChatLimits.from(settings));
        relayLimits = HostPeerSettings.from(settings);
        relayPlaces = new RelayPlaces(relayLimits.maxSessions(), relayLimits.handshake().maxPerAddress());
        turn = relayLimits.turn();
        Instant now = Instant.now();
        for (Persona persona : identities.personas()) {
            putOnline(persona, persona.publicKey());
            byte[] previous = persona.previousPublicKey(now);
            if (previous != null) {
                putOnline(persona, previous);
            }
        }
    }

    private ReminderInbox reminderInbox() {
        return new ReminderInbox() {
            @Override
            public List<ReminderDue> undelivered(UUID deviceId) {
                return reminders.undelivered(deviceId);
            }

            @Override
            public void delivered(long reminderId) {
                reminders.delivered(reminderId);
            }
        };
    }

    /** Phones reach the persona under the new key id too; the old one keeps working for its grace period. */
    public void onRotated(@Observes PersonaKeyRotated rotated) {
        putOnline(identities.persona(rotated.personaId()), rotated.newPublicKey());
    }

    private void putOnline(Persona persona, byte[] publicKey) {
        UUID id = persona.id();
        HostedPersona hosted = new HostedPersona(id, persona.name(), KeyId.of(publicKey),
                persona.systemPrompt() != null ? persona.systemPrompt() : defaultPrompt(persona.name()),
                (key, statement) -> identities.sign(id, key, statement),
                () -> KeyId.of(identities.persona(id).publicKey()));
        try {
            PeerConnection registration = signaling.server().registry().attachLocalPeer(hosted.keyId(),
                    connection -> sinkFor(hosted, connection));
            synchronized (registrations) {
                registrations.add(registration);
            }
            online.put(hosted.keyId().toString(), hosted);
            LOG.info(() -> "Persona '" + hosted.name() + "' is on line as " + hosted.keyId() + ".");
        } catch (RegistrationRefusedException | RuntimeException e) {
            LOG.severe(() -> "Persona '" + hosted.name() + "' cannot take phones as " + hosted.keyId() + ": "
                    + e.getMessage());
        }
    }

    private MessageSink sinkFor(HostedPersona persona, PeerConnection connection) {
        SignalingEndpoint endpoint = hostPeer.attach(persona.keyId().toString(), (type, dst, payload) -> {
            try {
                connection.send(MessageType.fromWireName(type).orElseThrow(), dst, payload);
            } catch (QueueLimitExceededException e) {
                LOG.info(() -> "Signaling to " + dst + " dropped: " + e.getMessage());
            }
        }, new PeerSessionAcceptor() {
            @Override
            public Optional<PeerSessionListener> accept(ConnectionRequest request) {
                return Optional.of(new PeerTransport(chat.connect(persona, request.phoneId()),
                        (phoneId, closed) -> connectionFailures.record(phoneId, closed, Instant.now())));
            }

            @Override
            public boolean knows(ConnectionRequest request) {
                try {
                    return devices.approved(persona.id(), KeyId.parse(request.phoneId()).publicKey());
                } catch (IllegalArgumentException notAKeyId) {
                    return false;
                }
            }
        });
        return new MessageSink() {
            @Override
            public boolean deliver(SignalingMessage message) {
                endpoint.receive(message.type().wireName(), message.src(), message.payload());
                return true;
            }

            @Override
            public void disconnected(Disconnect reason) {
                endpoint.close();
            }
        };
    }

    @PreDestroy
    void goOffline() {
        registrations.forEach(PeerConnection::leave);
        chat.closeAll();
    }

    public void onApproved(@Observes DeviceApproved approved) {
        chat.approved(approved.deviceId());
    }

    public void onRevoked(@Observes DeviceRevoked revoked) {
        chat.revoked(revoked.deviceId());
    }

    public void onReminderDue(@Observes ReminderDue due) {
        chat.remind(due);
    }

    /**
     * A phone's relay WebSocket to {@code hostId} opened (docs/protocol.md, "Transports"): its session runs on it as
     * on a data channel, the handshake first.
     *
     * @param phoneId the key id the phone says it has (its handshake must prove it)
     * @param address the socket's source address, for the limit on unproven sockets per address
     * @return what the socket hears goes there; empty when no persona answers to {@code hostId} (the socket is
     *         closed) or the address has its unproven sockets already (the socket is closed)
     */
    public Optional<RelayTransport> relay(String hostId, String phoneId, String address, RelaySocket socket) {
        HostedPersona persona = online.get(hostId);
        if (persona == null) {
            socket.close(true, "No persona answers to this host id");
            return Optional.empty();
        }
        return Optional.ofNullable(RelayTransport.open(chat.connect(persona, phoneId), socket, relayLimits,
                relayPlaces, address, executor, timers));
    }

    /** Whether a TURN server is set, whose credentials approved phones may ask for. */
    public boolean offersTurn() {
        return turn != null;
    }

    /**
     * The TURN servers, with short-lived credentials of its own, for a phone that has proven {@code phone} (its
     * signaling proof) and is an approved device of the persona that answers to {@code hostId}; none for any other
     * phone, none when no TURN server is set (docs/host-peer.md, section 6a). The credentials' user name carries the
     * phone's key id, so the TURN server's log tells the phones apart.
     */
    public List<IceServer> phoneIceServers(String hostId, KeyId phone) {
        HostedPersona persona = online.get(hostId);
        if (turn == null || persona == null || !devices.approved(persona.id(), phone.publicKey())) {
            return List.of();
        }
        return turn.issue(phone.toString(), Instant.now());
    }

    /** The largest message a relay socket takes (the host peer's {@code persona.peer.max.message.bytes}). */
    public int relayMaxMessageBytes() {
        return relayLimits.maxMessageBytes();
    }

    /** The phones connected now, for the console. */
    public LiveSessions liveSessions() {
        return chat.liveSessions();
    }

    /** The last phones that could not connect, for the console. */
    public ConnectionFailures connectionFailures() {
        return connectionFailures;
    }

    private static String defaultPrompt(String name) {
        return "You are " + name + ", a helpful assistant that runs on its owner's own computer. Answer clearly and "
                + "briefly.";
    }
}

package dev.persona.host.chat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
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
import dev.persona.host.tools.ToolCallView;
import dev.persona.host.tools.TurnTools;
import dev.persona.llama.LlamaConnection;
import dev.persona.llama.LlamaConnectionFactory;
import dev.persona.llama.LlamaException;
import dev.persona.llama.PoolSettings;
import dev.persona.llama.SlotStatus;
import dev.persona.peer.ConnectionRequest;
import dev.persona.peer.PeerSessionAcceptor;
import dev.persona.peer.PeerSessionListener;
import dev.persona.peer.SessionClosed;
import dev.persona.peer.SignalingEndpoint;
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
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Puts the personas on line: registers each persona's key id in the signaling registry in-process, answers phones'
 * offers through the host peer, and gives every data channel a {@link PhoneSession}. Owns what the sessions share:
 * the fair {@link TurnScheduler}, the model server's connection factory, the settings of the chat.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class ChatHost {

    private static final Logger LOG = Logger.getLogger(ChatHost.class.getName());

    /**
     * A persona as the sessions need it: its id, name, prompt, the key id phones reached it under (the current key,
     * or the previous one during its grace period after a rotation), and signing with its keys.
     */
    record HostedPersona(UUID id, String name, KeyId keyId, String systemPrompt, PersonaIdentities identities) {
        byte[] sign(byte[] publicKey, byte[] statement) {
            return identities.sign(id, publicKey, statement);
        }

        /** The persona's key id now: phones that reached it under an older one learn it in {@code admitted}. */
        KeyId currentKeyId() {
            return KeyId.of(identities.persona(id).publicKey());
        }
    }

    @Resource(lookup = "java:/eis/llama")
    private LlamaConnectionFactory llama;

    @Resource
    private ManagedExecutorService executor;

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
    @ConfigProperty(name = "persona.chat.slots", defaultValue = "4")
    private int slots;

    @Inject
    @ConfigProperty(name = "persona.chat.queue.limit", defaultValue = "32")
    private int queueLimit;

    @Inject
    @ConfigProperty(name = "persona.chat.history.characters", defaultValue = "3000")
    private int historyCharacters;

    @Inject
    @ConfigProperty(name = "persona.chat.max.tokens", defaultValue = "512")
    private int maxTokens;

    @Inject
    @ConfigProperty(name = "persona.llama.context.size", defaultValue = "4096")
    private int contextSize;

    @Inject
    @ConfigProperty(name = "persona.llama.parallel.slots", defaultValue = "4")
    private int parallelSlots;

    @Inject
    @ConfigProperty(name = "persona.llama.model", defaultValue = "")
    private String modelFile;

    private TurnScheduler scheduler;
    private volatile KnownBudget budget;
    private final Set<PhoneSession> sessions = ConcurrentHashMap.newKeySet();
    private final ConnectionFailures connectionFailures = new ConnectionFailures();
    private final List<PeerConnection> registrations = new ArrayList<>();

    @PostConstruct
    void goOnline() {
        scheduler = new TurnScheduler(slots, queueLimit);
        Instant now = Instant.now();
        for (Persona persona : identities.personas()) {
            putOnline(persona, persona.publicKey());
            byte[] previous = persona.previousPublicKey(now);
            if (previous != null) {
                putOnline(persona, previous);
            }
        }
    }

    /** Phones reach the persona under the new key id too; the old one keeps working for its grace period. */
    public void onRotated(@Observes PersonaKeyRotated rotated) {
        putOnline(identities.persona(rotated.personaId()), rotated.newPublicKey());
    }

    private void putOnline(Persona persona, byte[] publicKey) {
        HostedPersona hosted = new HostedPersona(persona.id(), persona.name(), KeyId.of(publicKey),
                persona.systemPrompt() != null ? persona.systemPrompt() : defaultPrompt(persona.name()), identities);
        try {
            PeerConnection registration = signaling.server().registry().attachLocalPeer(hosted.keyId(),
                    connection -> sinkFor(hosted, connection));
            synchronized (registrations) {
                registrations.add(registration);
            }
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
                PhoneSession session = new PhoneSession(ChatHost.this, persona, request);
                sessions.add(session);
                return Optional.of(session);
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
        sessions.forEach(PhoneSession::close);
    }

    public void onApproved(@Observes DeviceApproved approved) {
        sessions.stream().filter(s -> approved.deviceId().equals(s.deviceId())).forEach(PhoneSession::approved);
    }

    public void onRevoked(@Observes DeviceRevoked revoked) {
        sessions.stream().filter(s -> revoked.deviceId().equals(s.deviceId())).forEach(PhoneSession::revoked);
    }

    /** The phones connected now, for the console. */
    public LiveSessions liveSessions() {
        return new LiveSessions(sessions, scheduler);
    }

    public void onReminderDue(@Observes ReminderDue due) {
        sessions.stream().filter(s -> due.deviceId().equals(s.deviceId())).forEach(s -> s.remind(due));
    }

    void closed(PhoneSession session, SessionClosed closed) {
        sessions.remove(session);
        connectionFailures.record(session.phoneId(), closed, Instant.now());
    }

    /** The tool calls made in a conversation's turns, oldest first (for its history). */
    List<ToolCallView> toolCallsIn(UUID conversation) {
        return personaTools.callsIn(conversation);
    }

    /** The last phones that could not connect, for the console. */
    public ConnectionFailures connectionFailures() {
        return connectionFailures;
    }

    /**
     * The slot context a turn may use: {@code -c} / {@code -np} of the pool as it runs now (the configuration
     * with external servers only), or, with {@code -c 0} (the model's own context), what llama-server reports for
     * its slots.
     */
    ContextBudget budget() {
        PoolSettings pool = currentPool();
        KnownBudget known = budget;
        if (known == null || !Objects.equals(known.pool(), pool)) {
            int context = pool != null ? pool.contextSize() : contextSize;
            int slotsPerProcess = pool != null ? pool.parallelSlots() : parallelSlots;
            known = new KnownBudget(pool, context > 0 ? ContextBudget.of(context, slotsPerProcess, maxTokens)
                    : reportedBudget());
            budget = known;
        }
        return known.budget();
    }

    /** A budget and the pool it was worked out for: a pool restarted with other sizes gets a new one. */
    private record KnownBudget(PoolSettings pool, ContextBudget budget) {
    }

    /**
     * The local pool's model and sizes as they are now (the console may have changed them since the start), or
     * null when the connector has none (external servers only): then the configuration says.
     */
    private PoolSettings currentPool() {
        try (LlamaConnection connection = llama.getConnection()) {
            return connection.poolSettings();
        } catch (LlamaException | RuntimeException noLocalPool) {
            return null;
        }
    }

    private ContextBudget reportedBudget() {
        try (LlamaConnection connection = llama.getConnection()) {
            int smallest = connection.slots().stream().mapToInt(SlotStatus::contextSize).filter(n -> n > 0).min()
                    .orElseThrow(() -> new LlamaException("no slot reported its context"));
            return new ContextBudget(smallest, maxTokens);
        } catch (LlamaException | RuntimeException e) {
            throw new IllegalStateException("The slot context is unknown (persona.llama.context.size is 0 and "
                    + "llama-server did not say: " + e.getMessage() + "); set persona.llama.context.size.", e);
        }
    }

    String modelName() {
        PoolSettings pool = currentPool();
        String model = pool != null && pool.modelFile() != null && !pool.modelFile().isBlank() ? pool.modelFile()
                : modelFile;
        String file = model.isBlank() ? "unknown" : Path.of(model).getFileName().toString();
        return file.endsWith(".gguf") ? file.substring(0, file.length() - 5) : file;
    }

    private static String defaultPrompt(String name) {
        return "You are " + name + ", a helpful assistant that runs on its owner's own computer. Answer clearly and "
                + "briefly.";
    }

    TurnScheduler scheduler() {
        return scheduler;
    }

    TurnTools turnTools() {
        return turnTools;
    }

    Reminders reminders() {
        return reminders;
    }

    LlamaConnectionFactory llama() {
        return llama;
    }

    Executor executor() {
        return executor;
    }

    DeviceTrust devices() {
        return devices;
    }

    Conversations conversations() {
        return conversations;
    }

    int historyCharacters() {
        return historyCharacters;
    }
}

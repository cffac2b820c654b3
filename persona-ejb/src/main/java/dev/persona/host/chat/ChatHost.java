package dev.persona.host.chat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
import dev.persona.host.peer.HostPeerService;
import dev.persona.host.peer.SignalingEndpoint;
import dev.persona.host.signaling.SignalingHost;
import dev.persona.host.tools.ReminderDue;
import dev.persona.host.tools.Reminders;
import dev.persona.host.tools.TurnTools;
import dev.persona.llama.ChatMessage;
import dev.persona.llama.ChatRequest;
import dev.persona.llama.LlamaConnectionFactory;
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

    /** A persona as the sessions need it: its id, name, prompt, and signing with its keys. */
    record HostedPersona(UUID id, String name, KeyId keyId, String systemPrompt, PersonaIdentities identities) {
        byte[] sign(byte[] publicKey, byte[] statement) {
            return identities.sign(id, publicKey, statement);
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
    @ConfigProperty(name = "persona.llama.model", defaultValue = "")
    private String modelFile;

    private TurnScheduler scheduler;
    private final Set<PhoneSession> sessions = ConcurrentHashMap.newKeySet();
    private final List<PeerConnection> registrations = new ArrayList<>();

    @PostConstruct
    void goOnline() {
        scheduler = new TurnScheduler(slots, queueLimit);
        for (Persona persona : identities.personas()) {
            HostedPersona hosted = new HostedPersona(persona.id(), persona.name(), KeyId.of(persona.publicKey()),
                    persona.systemPrompt() != null ? persona.systemPrompt() : defaultPrompt(persona.name()),
                    identities);
            try {
                registrations.add(signaling.server().registry().attachLocalPeer(hosted.keyId(),
                        connection -> sinkFor(hosted, connection)));
                LOG.info(() -> "Persona '" + hosted.name() + "' is on line as " + hosted.keyId() + ".");
            } catch (RegistrationRefusedException | RuntimeException e) {
                LOG.severe(() -> "Persona '" + hosted.name() + "' cannot take phones: " + e.getMessage());
            }
        }
    }

    private MessageSink sinkFor(HostedPersona persona, PeerConnection connection) {
        SignalingEndpoint endpoint = hostPeer.attach(persona.keyId().toString(), (type, dst, payload) -> {
            try {
                connection.send(MessageType.fromWireName(type).orElseThrow(), dst, payload);
            } catch (QueueLimitExceededException e) {
                LOG.info(() -> "Signaling to " + dst + " dropped: " + e.getMessage());
            }
        }, request -> {
            PhoneSession session = new PhoneSession(this, persona, request);
            sessions.add(session);
            return Optional.of(session);
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

    public void onReminderDue(@Observes ReminderDue due) {
        sessions.stream().filter(s -> due.deviceId().equals(s.deviceId())).forEach(s -> s.remind(due));
    }

    void closed(PhoneSession session) {
        sessions.remove(session);
    }

    ChatRequest requestFor(List<ChatMessage> messages) {
        return ChatRequest.of(messages).withMaxTokens(maxTokens);
    }

    String modelName() {
        String file = modelFile.isBlank() ? "unknown" : Path.of(modelFile).getFileName().toString();
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

package dev.persona.host.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.persona.arquillian.Beans;
import dev.persona.arquillian.Deployments;
import dev.persona.host.devices.Admission;
import dev.persona.host.devices.Device;
import dev.persona.host.devices.DeviceTrust;
import dev.persona.host.devices.PairingAnnouncement;
import dev.persona.host.handshake.HostHandshake;
import dev.persona.host.identity.Persona;
import dev.persona.host.identity.PersonaIdentities;
import dev.persona.host.protocol.Frames;
import dev.persona.host.tools.ReminderDue;
import dev.persona.host.tools.ToolCallView;
import dev.persona.host.tools.ToolCardSender;
import dev.persona.host.tools.ToolContext;
import dev.persona.host.tools.ToolLoop;
import dev.persona.host.tools.ToolResult;
import dev.persona.llama.ChatMessage;
import dev.persona.llama.ChatRole;
import dev.persona.peer.SerialExecutor;
import dev.persona.peer.logs.LogText;
import dev.persona.signaling.identity.KeyId;
import jakarta.json.JsonObject;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.Filters;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chat core in the container: a {@link ChatService} on the container's beans (the first persona's sealed key
 * signs the handshake, the conversations are stored through JPA in the server's database, work runs on the managed
 * executor), a scripted model server ({@link ScriptedModel}, a fixture: the connector has its own micro-deployment)
 * and an admission rule that makes every proven phone a device (the device rules have DeviceTrustIT). One turn goes
 * accepted, tokens, done and is stored; a stopped answer ends with done, stopped, keeps what streamed and frees the
 * slot.
 */
@ExtendWith(ArquillianExtension.class)
class ChatCoreIT {

    @Deployment
    static WebArchive deployment() {
        // The chat package without ChatHost, which would put the personas on line (signaling, the host peer); the
        // devices package (the admission's types) without the startup announcement; the turns' starts run on the
        // host peer module's SerialExecutor (ChatService).
        return Deployments.services("chat")
                .addPackage(Persona.class.getPackage())
                .addPackages(false, Filters.exclude(PairingAnnouncement.class), Device.class.getPackage())
                .addPackage(KeyId.class.getPackage())
                .addPackage(HostHandshake.class.getPackage())
                .addPackage(Frames.class.getPackage())
                .addPackage(ChatMessage.class.getPackage())
                .addPackages(false, Filters.exclude(ChatHost.class), ChatService.class.getPackage())
                .addClasses(ReminderDue.class, ToolCallView.class, ToolCardSender.class, ToolContext.class,
                        ToolLoop.class, ToolResult.class, LogText.class, SerialExecutor.class);
    }

    /** In the container only: JUnit makes the test instance on the client side too. */
    private static ChatService chat(ScriptedModel model) {
        Conversations conversations = Beans.bean(Conversations.class);
        ReminderInbox noReminders = new ReminderInbox() {
            @Override
            public List<ReminderDue> undelivered(UUID deviceId) {
                return List.of();
            }

            @Override
            public void delivered(long reminderId) {
            }
        };
        PhoneAdmission everyProvenPhone = (personaId, key, invite, name) -> new DeviceTrust.AdmissionResult(
                new Admission.Decision(Admission.Outcome.ADMITTED, "paired", "Paired with the host."),
                UUID.randomUUID());
        ConversationStore store = new StoredConversations(conversations, conversation -> List.of());
        return new ChatService(new ChatPorts(model, store, everyProvenPhone, noReminders,
                executor(), Clock.systemUTC()), new ChatLimits(4, 3000, 256));
    }

    /** The first persona, as ChatHost puts it on line: its key signs through the identity service. */
    private static HostedPersona firstPersona() {
        PersonaIdentities identities = Beans.bean(PersonaIdentities.class);
        Persona persona = identities.personas().get(0);
        return new HostedPersona(persona.id(), persona.name(), KeyId.of(persona.publicKey()),
                "You are " + persona.name() + ", in a test.",
                (key, statement) -> identities.sign(persona.id(), key, statement),
                () -> KeyId.of(persona.publicKey()));
    }

    private static Executor executor() {
        try {
            return InitialContext.doLookup("java:comp/DefaultManagedExecutorService");
        } catch (NamingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void oneTurnIsAcceptedStreamsItsTokensEndsWithDoneAndIsStored() throws Exception {
        ScriptedModel model = new ScriptedModel(executor());
        model.script(false, "Hello", " from", " the", " container");
        HostedPersona persona = firstPersona();
        InContainerPhone phone = new InContainerPhone(chat(model), persona);

        JsonObject admitted = phone.handshake();
        assertEquals("admitted", admitted.getString("type"), admitted.toString());
        assertEquals("paired", admitted.getString("code"));
        assertEquals(ScriptedModel.NAME, admitted.getString("model"));

        phone.chat("t1", "Hello there");
        UUID conversation = UUID.fromString(phone.expect("accepted").getString("conversation"));
        List<JsonObject> frames = phone.until("done");
        assertEquals("Hello from the container", tokens(frames), frames.toString());
        JsonObject done = frames.get(frames.size() - 1);
        assertFalse(done.getBoolean("stopped"));
        assertEquals(4, done.getJsonObject("usage").getInt("completionTokens"));
        assertEquals(List.of(ChatMessage.system("You are " + persona.name() + ", in a test."),
                new ChatMessage(ChatRole.USER, "Hello there")), model.started().request.messages());

        List<StoredMessage> stored = Beans.bean(Conversations.class).messages(conversation, phone.deviceId());
        assertEquals(List.of("USER: Hello there", "ASSISTANT: Hello from the container"), lines(stored));
        assertEquals(StoredMessage.State.COMPLETE, stored.get(1).state(), "stored before the phone heard done");
        phone.leave();
    }

    @Test
    void aStoppedAnswerEndsWithDoneStoppedKeepsWhatStreamedAndFreesTheSlot() throws Exception {
        ScriptedModel model = new ScriptedModel(executor());
        model.script(true, "Once", " upon", " a", " time");
        HostedPersona persona = firstPersona();
        InContainerPhone phone = new InContainerPhone(chat(model), persona);
        assertEquals("admitted", phone.handshake().getString("type"));

        phone.chat("long", "Tell me a long story");
        UUID conversation = UUID.fromString(phone.expect("accepted").getString("conversation"));
        ScriptedModel.Answer answer = model.started();
        assertTrue(answer.streamed.await(60, TimeUnit.SECONDS), "the model streamed its tokens");
        phone.stop("long");
        List<JsonObject> frames = phone.until("done");
        assertTrue(frames.get(frames.size() - 1).getBoolean("stopped"), frames.toString());
        assertEquals("Once upon a time", tokens(frames));
        assertTrue(answer.cancelled(), "the model server was told to stop");
        List<StoredMessage> stored = Beans.bean(Conversations.class).messages(conversation, phone.deviceId());
        assertEquals(List.of("USER: Tell me a long story", "ASSISTANT: Once upon a time"), lines(stored));

        // One slot: the next turn starts at once (no "queue" frame), so the stop gave it back.
        model.script(false, "Next");
        phone.chat("next", "And now?");
        phone.expect("accepted");
        List<JsonObject> next = phone.until("done");
        assertEquals("Next", tokens(next), next.toString());
        phone.leave();
    }

    private static String tokens(List<JsonObject> frames) {
        return frames.stream().filter(f -> f.getString("type").equals("token")).map(f -> f.getString("text"))
                .collect(Collectors.joining());
    }

    private static List<String> lines(List<StoredMessage> messages) {
        return messages.stream().map(m -> m.role() + ": " + m.text()).toList();
    }
}

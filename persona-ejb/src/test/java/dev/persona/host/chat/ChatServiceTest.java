package dev.persona.host.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

import dev.persona.host.chat.ChatFixture.FakeConversations.Message;
import dev.persona.host.chat.ChatFixture.FakeStream;
import dev.persona.host.chat.ChatFixture.Phone;
import dev.persona.host.devices.Admission;
import dev.persona.host.protocol.ProtocolVectors;
import dev.persona.host.tools.ReminderDue;
import dev.persona.llama.ChatMessage;
import dev.persona.llama.ChatRole;
import dev.persona.llama.LlamaException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

/**
 * The chat protocol (docs/protocol.md) driven through the chat core alone: phones on fake transports, a fake model
 * server whose tokens the test writes, conversations in memory. Each scenario runs in milliseconds, without the
 * server.
 */
class ChatServiceTest {

    private final ChatFixture host = new ChatFixture();

    private static JsonObject last(List<JsonObject> messages) {
        return messages.get(messages.size() - 1);
    }

    private static String tokenText(List<JsonObject> messages) {
        return messages.stream().filter(m -> m.getString("type").equals("token")).map(m -> m.getString("text"))
                .collect(Collectors.joining());
    }

    @Test
    void handshakeThenATurnStreamsTokensThenDoneAndBothSidesAreStored() {
        Phone phone = host.connect("Pixel");
        JsonObject admitted = phone.handshake("invite-1");
        assertEquals("admitted", admitted.getString("type"), admitted.toString());
        assertEquals("Ada", admitted.getString("persona"));
        assertEquals(host.persona.keyId().toString(), admitted.getString("host"));
        assertEquals("fake-model", admitted.getString("model"));
        assertEquals(new ContextBudget(1024, 512).maxTextCharacters(ChatFixture.SYSTEM_PROMPT),
                admitted.getInt("maxText"), "the text limit follows the model server's slot context");
        assertEquals(List.of(false, true), phone.proven, "proven at the proof, admitted at the decision");

        phone.chat("t1", null, "Hello there");
        JsonObject accepted = phone.expect("accepted");
        assertEquals("t1", accepted.getString("id"));
        UUID conversation = UUID.fromString(accepted.getString("conversation"));
        FakeStream stream = host.model.last();
        assertEquals(List.of(ChatMessage.system(ChatFixture.SYSTEM_PROMPT), new ChatMessage(ChatRole.USER,
                "Hello there")), stream.request.messages(), "the host builds the prompt");
        assertEquals(512, stream.request.maxTokens(), "min(max tokens, half the slot)");
        assertEquals(phone.deviceId(), stream.context.device());
        assertEquals(conversation, stream.context.conversation());

        stream.tokens("Hi");
        JsonObject first = phone.expect("token");
        assertEquals("Hi", first.getString("text"), "the first token goes out at once");
        stream.tokens(",", " how", " are", " you?").complete(12, 5);
        List<JsonObject> rest = phone.rest();
        assertEquals("Hi, how are you?", "Hi" + tokenText(rest), "every token arrives, in order");
        JsonObject done = rest.get(rest.size() - 1);
        assertEquals("done", done.getString("type"), rest.toString());
        assertFalse(done.getBoolean("stopped"));
        assertEquals(12, done.getJsonObject("usage").getInt("promptTokens"));
        assertEquals(5, done.getJsonObject("usage").getInt("completionTokens"));
        assertEquals(List.of(new Message(ChatRole.USER, "Hello there"),
                new Message(ChatRole.ASSISTANT, "Hi, how are you?")), host.conversations.messages.get(conversation));

        // The next turn in the same conversation carries the history.
        phone.chat("t2", conversation, "And you?");
        phone.expect("accepted");
        assertEquals(List.of("You are Ada, a helpful assistant.", "Hello there", "Hi, how are you?", "And you?"),
                host.model.last().request.messages().stream().map(ChatMessage::content).toList());
    }

    @Test
    void aTokenAfterAPauseGoesOutAtOnceWhileQuickTokensAreCoalesced() throws InterruptedException {
        Phone phone = host.admitted("A");
        phone.chat("t1", null, "Hello there");
        phone.expect("accepted");
        FakeStream stream = host.model.last();
        stream.tokens("Hi");
        assertEquals("Hi", phone.expect("token").getString("text"), "the first token goes out at once");
        // A model's pace (here 1 token per 12 ms or slower): each token is sent when it comes, not held for the next.
        Thread.sleep(12);
        stream.tokens(" there");
        assertEquals(" there", phone.expect("token").getString("text"), "a token after a pause goes out at once");
        // Tokens in quick succession (thousands per second) are held and coalesced into one message.
        stream.tokens(",", " how", " are", " you?");
        stream.complete(12, 6);
        List<JsonObject> rest = phone.rest();
        assertEquals("done", rest.get(rest.size() - 1).getString("type"), rest.toString());
        List<JsonObject> pieces = rest.subList(0, rest.size() - 1);
        assertEquals(", how are you?", tokenText(pieces), "every token arrives, in order");
        // Fewer messages than tokens (one, unless this thread stalled 10 ms between two of them).
        assertTrue(pieces.size() < 4, "the quick tokens were coalesced: " + pieces);
    }

    @Test
    void stopEndsTheAnswerFreesTheSlotStoresThePartAndSaysStopped() {
        host.model.slots = 1;
        Phone a = host.admitted("A");
        Phone b = host.admitted("B");
        a.chat("a1", null, "Tell me a long story");
        UUID conversation = UUID.fromString(a.expect("accepted").getString("conversation"));
        FakeStream aStream = host.model.last();
        b.chat("b1", null, "Me too");
        b.expect("accepted");
        assertEquals(1, b.expect("queue").getInt("position"), "one slot: B waits");
        assertEquals(List.of("Me too"), host.model.queuedInServer(), "B's request waits in the model server's queue");
        aStream.tokens("Once", " upon");

        a.say("{\"type\":\"stop\",\"id\":\"a1\"}");
        assertTrue(aStream.cancelled, "the model server stops generating");
        List<JsonObject> rest = a.rest();
        JsonObject done = rest.get(rest.size() - 1);
        assertEquals("done", done.getString("type"), rest.toString());
        assertTrue(done.getBoolean("stopped"));
        assertEquals("Once upon", tokenText(rest));
        assertEquals(new Message(ChatRole.ASSISTANT, "Once upon"),
                host.conversations.messages.get(conversation).get(1), "the part streamed so far is stored");
        assertEquals(List.of("Me too"), host.model.generating(), "B's request takes the freed slot");

        a.chat("a2", null, "Another");
        a.expect("accepted");
        assertEquals(1, a.expect("queue").getInt("position"), "A may ask again once it heard done");
    }

    @Test
    void stopCancelsATurnWaitingInTheModelServersQueueAtOnceAndTheNextMovesUp() {
        host.model.slots = 1;
        Phone a = host.admitted("A");
        Phone b = host.admitted("B");
        Phone c = host.admitted("C");
        a.chat("a1", null, "Tell me a long story");
        a.expect("accepted");
        b.chat("b1", null, "Me too");
        UUID conversation = UUID.fromString(b.expect("accepted").getString("conversation"));
        assertEquals(1, b.expect("queue").getInt("position"));
        c.chat("c1", null, "And me");
        c.expect("accepted");
        assertEquals(2, c.expect("queue").getInt("position"));
        FakeStream bStream = host.model.last();
        assertEquals(List.of("Me too"), host.model.queuedInServer(), "one slot, one request sent ahead: B's");

        b.say("{\"type\":\"stop\",\"id\":\"b1\"}");
        assertTrue(bStream.cancelled, "B's request leaves the model server's queue at once");
        JsonObject done = last(b.rest());
        assertEquals("done", done.getString("type"));
        assertTrue(done.getBoolean("stopped"));
        assertEquals(List.of(new Message(ChatRole.USER, "Me too")), host.conversations.messages.get(conversation),
                "the question is kept, no empty answer");
        assertEquals(1, c.expect("queue").getInt("position"), "C moves up");
        assertEquals(List.of("And me"), host.model.queuedInServer(), "and is sent ahead in B's place");
        assertEquals(List.of("Tell me a long story"), host.model.generating(), "A is not disturbed");
    }

    @Test
    void theRequestGoesOutBeforeTheQuestionIsStoredAndAcceptedComesFirstAtThePhone() {
        Phone phone = host.admitted("A");
        List<Integer> storedWhenSent = new java.util.ArrayList<>();
        host.model.onStream = () -> storedWhenSent.add(host.conversations.messages.size());
        phone.chat("t1", null, "Hello there");
        assertEquals(List.of(0), storedWhenSent, "nothing was stored when the request went out");
        UUID conversation = UUID.fromString(phone.expect("accepted").getString("conversation"));
        assertEquals(List.of(new Message(ChatRole.USER, "Hello there")),
                host.conversations.messages.get(conversation), "the question is stored once the request is sent");
        host.model.last().tokens("Hi").complete(3, 1);
        assertEquals(List.of("token", "done"), phone.rest().stream().map(m -> m.getString("type")).toList());
    }

    @Test
    void acceptedComesFirstEvenWhenTheModelsFirstTokenArrivesInsideTheRequestsCall() {
        Phone phone = host.admitted("A");
        host.model.insideTheCall = listener -> listener.onToken("Hi");
        phone.chat("t1", null, "Hello there");
        phone.expect("accepted");
        assertEquals("Hi", phone.expect("token").getString("text"));
        host.model.last().complete(3, 1);
        assertEquals(List.of("done"), phone.rest().stream().map(m -> m.getString("type")).toList());
    }

    @Test
    void aModelErrorEndsTheTurnWithTheProtocolsCodeAndFreesTheSlot() {
        host.model.slots = 1;
        Phone phone = host.admitted("A");
        phone.chat("long", null, "Hello");
        phone.expect("accepted");
        host.model.last().fail("the request exceeds the available context size, try increasing it");
        JsonObject tooLong = phone.expect("error");
        assertEquals("too-long", tooLong.getString("code"));
        assertEquals("long", tooLong.getString("id"));
        assertTrue(tooLong.getString("message").contains("1024 tokens per slot"), tooLong.toString());

        phone.chat("down", null, "Hello again");
        phone.expect("accepted");
        host.model.last().fail("llama-server 1 died");
        JsonObject unavailable = phone.expect("error");
        assertEquals("model-unavailable", unavailable.getString("code"));
        assertTrue(unavailable.getString("message").contains("llama-server 1 died"), unavailable.toString());

        host.model.refuseNext = new LlamaException("no backend is ready");
        phone.chat("none", null, "Anyone?");
        phone.expect("accepted");
        assertEquals("model-unavailable", phone.expect("error").getString("code"));

        phone.chat("ok", null, "Now?");
        phone.expect("accepted");
        assertEquals("Now?", host.model.last().asked(), "each failure gave the only slot back");
    }

    @Test
    void theAnswerIsStoredAsItStreamsAndOnlyAnAnswerThatEndedWellIsKept() {
        host.model.slots = 1;
        Phone phone = host.admitted("A");
        phone.chat("t1", null, "Tell me");
        UUID conversation = UUID.fromString(phone.expect("accepted").getString("conversation"));
        assertEquals(List.of(""), List.copyOf(host.conversations.answering.values()),
                "the answer is stored, empty, with the question: a crash now leaves it to be marked interrupted");
        FakeStream stream = host.model.last();
        stream.tokens("Once");
        assertEquals(List.of("Once"), List.copyOf(host.conversations.answering.values()),
                "saved at its first token (then at most every second)");
        stream.tokens(" upon", " a time");
        stream.complete(5, 3);
        assertEquals("done", last(phone.rest()).getString("type"));
        assertTrue(host.conversations.answering.isEmpty(), host.conversations.answering.toString());
        assertEquals(new Message(ChatRole.ASSISTANT, "Once upon a time"),
                host.conversations.messages.get(conversation).get(1));

        phone.chat("t2", conversation, "And then?");
        phone.expect("accepted");
        host.model.last().tokens("The");
        host.model.last().fail("llama-server 1 died");
        assertEquals("model-unavailable", last(phone.rest()).getString("code"));
        assertTrue(host.conversations.answering.isEmpty(), "a failed answer is not kept as answering");
        assertEquals(3, host.conversations.messages.get(conversation).size(), "nor stored: the question is");
    }

    @Test
    void aPhoneThatLeavesMidAnswerStopsItSilentlyAndTheNextInLineStarts() {
        host.model.slots = 1;
        Phone a = host.admitted("A");
        Phone b = host.admitted("B");
        a.chat("a1", null, "Go on and on");
        a.expect("accepted");
        FakeStream aStream = host.model.last();
        b.chat("b1", null, "My turn?");
        b.expect("accepted");
        b.expect("queue");
        aStream.tokens("la", "la");

        a.leave();
        assertTrue(aStream.cancelled, "the slot is freed at once");
        assertEquals("My turn?", host.model.last().asked());
        assertEquals(List.of("B"), host.chat.liveSessions().list().stream()
                .map(s -> s.deviceId().equals(b.deviceId()) ? "B" : "?").toList(), "A's session is gone");
        assertEquals(1, host.chat.liveSessions().runningTurns());
        assertTrue(host.conversations.messages.values().stream().flatMap(List::stream)
                .noneMatch(m -> m.role() == ChatRole.ASSISTANT), "an answer nobody heard is not stored");
    }

    @Test
    void aPhoneAdmittedAgainEndsItsOlderSessionSoThatRetryWorksAtOnce() {
        host.model.slots = 1;
        Phone before = host.admitted("A");
        before.chat("a1", null, "Count to a hundred");
        UUID conversation = UUID.fromString(before.expect("accepted").getString("conversation"));
        FakeStream cutOff = host.model.last();
        cutOff.tokens("one", " two");
        before.rest();

        // The phone's network broke and came back: it connects again with the same key while the host has not yet
        // noticed that the old path is gone (its transport is still open here).
        Phone again = host.reconnect(before);
        JsonObject admitted = again.handshake(null);
        assertEquals("admitted", admitted.getString("type"), admitted.toString());
        assertEquals(before.deviceId(), again.deviceId());
        assertTrue(cutOff.cancelled, "the older session's answer stops, and gives its slot back");
        assertFalse(before.open, "the older session's transport is closed");
        assertTrue(before.rest().stream().allMatch(m -> m.getString("type").equals("token")),
                "the answer ends without done or error: the page reports it cut off");
        assertEquals(List.of(again.deviceId()), host.chat.liveSessions().list().stream()
                .map(LiveSessions.LiveSession::deviceId).toList(), "one session for the device, the new one");
        assertEquals(0, host.chat.liveSessions().runningTurns());
        assertEquals(List.of(new Message(ChatRole.USER, "Count to a hundred")),
                host.conversations.messages.get(conversation), "the cut-off answer is not kept; the question is");

        // Retry, at once: the device has no turn left on the host, so the question is taken and answered.
        again.chat("a1-retry", conversation, "Count to a hundred");
        again.expect("accepted");
        assertEquals("Count to a hundred", host.model.last().asked());
        host.model.last().tokens("one").complete(3, 1);
        assertEquals("done", last(again.rest()).getString("type"));

        // Another device's new session leaves the first device's session alone.
        Phone other = host.admitted("B");
        assertTrue(again.open);
        assertEquals(2, host.chat.liveSessions().list().size(), other.name + " and A");
    }

    @Test
    void turnsWaitInArrivalOrderHearTheirPlacesAndTheLineIsBounded() {
        ChatFixture small = new ChatFixture(2, 3000, 512);
        small.model.slots = 2;
        Phone[] phones = {small.admitted("A"), small.admitted("B"), small.admitted("C"), small.admitted("D"),
                small.admitted("E")};
        for (Phone phone : phones) {
            phone.chat(phone.name, null, "question from " + phone.name);
        }
        assertEquals(List.of("question from A", "question from B"), small.model.generating(),
                "two slots, two answers");
        assertEquals(List.of("question from C", "question from D"), small.model.queuedInServer(),
                "one request per slot waits in the model server's queue");
        phones[2].expect("accepted");
        assertEquals(1, phones[2].expect("queue").getInt("position"));
        phones[3].expect("accepted");
        assertEquals(2, phones[3].expect("queue").getInt("position"));
        JsonObject busy = phones[4].expect("error");
        assertEquals("busy", busy.getString("code"), "a line of 2 is full");
        assertEquals("E", busy.getString("id"));

        phones[0].chat("again", null, "one more");
        assertEquals("one-at-a-time", phones[0].rest().stream().filter(m -> m.getString("type").equals("error"))
                .findFirst().orElseThrow().getString("code"));

        small.model.streams.get(1).tokens("b").complete(1, 1);
        assertEquals(List.of("question from A", "question from C"), small.model.generating(), "C was first in line");
        assertEquals(1, phones[3].expect("queue").getInt("position"), "D moves up");
        small.model.streams.get(0).complete(1, 0);
        assertEquals(List.of("question from C", "question from D"), small.model.generating());
        assertEquals(4, small.model.streams.size(), "each turn's request was sent once");
        assertEquals(2, small.chat.liveSessions().runningTurns());
        assertEquals(0, small.chat.liveSessions().waitingTurns());
    }

    /**
     * An executor that holds its tasks and, when told, runs the newest first (a pool whose threads pick the tasks up
     * in another order than they came, as a busy machine's may).
     */
    private static final class NewestFirst implements Executor {
        private final Deque<Runnable> held = new ArrayDeque<>();
        boolean holding;

        @Override
        public void execute(Runnable task) {
            if (holding) {
                held.push(task);
            } else {
                task.run();
            }
        }

        void runHeld() {
            while (!held.isEmpty()) {
                held.pop().run();
            }
        }
    }

    @Test
    void theRequestsReachTheModelServerInTheHostsOrderWhateverOrderTheExecutorRunsTasksIn() {
        NewestFirst executor = new NewestFirst();
        ChatFixture shuffled = new ChatFixture(32, 3000, 512, executor);
        shuffled.model.slots = 2;
        Phone[] phones = {shuffled.admitted("A"), shuffled.admitted("B"), shuffled.admitted("C"),
                shuffled.admitted("D")};
        executor.holding = true;
        for (Phone phone : phones) {
            phone.chat(phone.name, null, "question from " + phone.name);
        }
        assertEquals(List.of(), shuffled.model.generating(), "nothing is sent on the phones' threads");
        executor.runHeld();
        assertEquals(List.of("question from A", "question from B"), shuffled.model.generating(),
                "the two turns that got the slots are served first");
        assertEquals(List.of("question from C", "question from D"), shuffled.model.queuedInServer(),
                "the two sent ahead wait in the model server's queue in the host's order");
        assertEquals(1, phones[2].rest().stream().filter(m -> m.getString("type").equals("queue")).findFirst()
                .orElseThrow().getInt("position"), "C, told it is next, is next in the model server's queue too");

        shuffled.model.streams.get(0).tokens("a").complete(1, 1);
        executor.runHeld();
        assertEquals(List.of("question from B", "question from C"), shuffled.model.generating());
        assertEquals(4, shuffled.model.streams.size(), "each turn's request was sent once");
    }

    @Test
    void theSlotsFollowThePoolAsItRunsNow() {
        host.model.slots = 1;
        Phone a = host.admitted("A");
        Phone b = host.admitted("B");
        Phone c = host.admitted("C");
        a.chat("a", null, "first");
        b.chat("b", null, "second");
        b.expect("accepted");
        b.expect("queue");
        assertEquals(List.of("first"), host.model.generating());

        // The owner restarted the pool with two slots: the next decision uses them and B starts at once.
        host.model.slots = 2;
        host.model.slotTokens = 4096;
        c.chat("c", null, "third");
        assertEquals(List.of("first", "second"), host.model.generating());
        assertEquals(List.of("third"), host.model.queuedInServer(), "C's request waits in the model server's queue");
        c.expect("accepted");
        assertEquals(1, c.expect("queue").getInt("position"));
        assertEquals(512, host.model.streams.get(1).request.maxTokens());

        Phone d = host.admitted("D");
        assertEquals(new ContextBudget(4096, 512).maxTextCharacters(ChatFixture.SYSTEM_PROMPT),
                d.heard.get(d.heard.size() - 1).getInt("maxText"), "the text limit follows the new context");
    }

    @Test
    void aTextLongerThanTheSlotAllowsIsRefusedAndNothingIsStored() {
        Phone phone = host.admitted("A");
        int limit = new ContextBudget(1024, 512).maxTextCharacters(ChatFixture.SYSTEM_PROMPT);
        phone.chat("big", null, "x".repeat(limit + 1));
        JsonObject tooLarge = phone.expect("error");
        assertEquals("too-large", tooLarge.getString("code"));
        assertEquals("big", tooLarge.getString("id"));
        assertTrue(host.model.streams.isEmpty());
        assertTrue(host.conversations.messages.isEmpty());
        phone.chat("fits", null, "x".repeat(limit));
        phone.expect("accepted");
    }

    @Test
    void aDatabaseThatFailsIsTheStorageErrorForTheTurnAndTheSessionGoesOn() {
        Phone phone = host.admitted("A");
        phone.chat("t1", null, "Hello there");
        UUID conversation = UUID.fromString(phone.expect("accepted").getString("conversation"));
        host.conversations.broken = new IllegalStateException("The database has been closed");
        host.model.last().tokens("Hi").complete(3, 1);
        phone.expect("token");
        JsonObject notStored = phone.expect("error");
        assertEquals("t1", notStored.getString("id"));
        assertEquals("storage-failed", notStored.getString("code"), notStored.toString());
        assertTrue(notStored.getString("message").contains("disk full"), notStored.toString());

        phone.chat("t2", conversation, "Are you there?");
        JsonObject refused = phone.expect("error");
        assertEquals("t2", refused.getString("id"), "the turn that could not read its conversation hears why");
        assertEquals("storage-failed", refused.getString("code"), refused.toString());

        host.conversations.broken = null;
        phone.chat("t3", conversation, "Now?");
        phone.expect("accepted");
        assertTrue(phone.open);
    }

    @Test
    void malformedMessagesGetTheirErrorsAndTheSessionGoesOn() {
        Phone stranger = host.connect("Stranger");
        stranger.say("{\"type\":\"chat\",\"id\":\"x\",\"text\":\"hi\"}");
        assertEquals("handshake-first", stranger.expect("error").getString("code"));

        Phone phone = host.admitted("A");
        phone.say("not json");
        assertEquals("malformed", phone.expect("error").getString("code"));
        phone.say("{\"type\":\"dance\"}");
        assertEquals("unknown-type", phone.expect("error").getString("code"));
        phone.session.receivedBinary();
        assertEquals("malformed", phone.expect("error").getString("code"));
        phone.session.rejected(true, "A message may have at most 4 MiB.");
        assertEquals("too-large", phone.expect("error").getString("code"));
        phone.say("{\"type\":\"history\",\"conversation\":\"" + UUID.randomUUID() + "\"}");
        assertEquals("unknown-conversation", phone.expect("error").getString("code"));
        phone.say("{\"type\":\"history\"}");
        assertEquals(0, phone.expect("history").getJsonArray("conversations").size());
        assertTrue(phone.open);
    }

    /**
     * The shared vectors' broken messages (docs/vectors/protocol-vectors.json) through real sessions: each gets its
     * error, with the turn's id where the vector has one, and the session goes on. Handshake messages are sent
     * during the handshake (an admitted phone gets {@code unknown-type} for them).
     */
    @Test
    void everyRefusedVectorGetsItsErrorAndTheSessionGoesOn() throws IOException {
        Phone phone = host.admitted("A");
        for (JsonValue value : ProtocolVectors.read().getJsonArray("refused")) {
            JsonObject vector = value.asJsonObject();
            String text = vector.getString("text");
            boolean handshake = text.contains("\"type\":\"hello\"") || text.contains("\"type\":\"proof\"");
            Phone sender = handshake ? host.connect("New") : phone;
            sender.say(text);
            JsonObject error = sender.expect("error");
            assertEquals(vector.getString("code"), error.getString("code"), vector.getString("name"));
            assertEquals(vector.getString("id", null), error.getString("id", null), vector.getString("name"));
            assertTrue(sender.open, vector.getString("name") + ": the session goes on");
            sender.say("{\"type\":\"" + (handshake ? "stop\",\"id\":\"x" : "history") + "\"}");
            assertEquals(handshake ? "error" : "history", sender.next().getString("type"), vector.getString("name"));
        }
    }

    /** A stranger (no device) proves its key while paired phones are connected: it hears why, they go on. */
    @Test
    void aStrangerRefusedWhileAPairedPhoneIsConnectedIsToldWhyAndThePairedPhoneGoesOn() {
        Phone paired = host.connect("Paired");
        assertEquals("admitted", paired.handshake(null).getString("type"));
        host.admission = key -> new Admission.Decision(Admission.Outcome.REFUSED, "unknown-device", "Scan the QR.");
        Phone stranger = host.connect("Stranger");
        assertEquals("refused", stranger.handshake(null).getString("type"));
        assertFalse(stranger.open, "the host closes the stranger's channel");
        assertTrue(paired.open, "the paired phone's session is not the stranger's to end");
    }

    @Test
    void aRefusedPhoneIsToldWhyAndClosedAWaitingOneIsAdmittedWhenApprovedARevokedOneCutOff() {
        host.admission = key -> new Admission.Decision(Admission.Outcome.REFUSED, "unknown-device", "Scan the QR.");
        Phone refused = host.connect("Refused");
        assertEquals("refused", refused.handshake(null).getString("type"));
        assertFalse(refused.open, "the host closes the channel");
        assertTrue(host.chat.liveSessions().list().isEmpty());

        host.admission = key -> new Admission.Decision(Admission.Outcome.WAITING, "pending", "Waiting.");
        Phone waiting = host.connect("Waiting");
        assertEquals("waiting", waiting.handshake("invite").getString("type"));
        waiting.chat("early", null, "hi");
        assertEquals("handshake-first", waiting.expect("error").getString("code"));
        host.chat.approved(waiting.deviceId());
        assertEquals("approved", waiting.expect("admitted").getString("code"));
        assertEquals(List.of(false, true), waiting.proven);

        waiting.chat("w1", null, "Now I may");
        waiting.expect("accepted");
        FakeStream running = host.model.last();
        host.chat.revoked(waiting.deviceId());
        assertTrue(running.cancelled, "a revoked phone's answer stops");
        assertEquals("revoked", waiting.expect("error").getString("code"));
        assertFalse(waiting.open);
    }

    @Test
    void remindersDueWhileAwayArriveAfterAdmittedAndThoseDueNowAtOnce() {
        Phone phone = host.admitted("A");
        UUID device = phone.deviceId();
        phone.leave();
        host.undelivered.add(new ReminderDue(7, host.persona.id(), device, "call Mum", ChatFixture.NOW));

        Phone back = host.reconnect(phone);
        assertEquals("admitted", back.handshake(null).getString("type"));
        assertEquals(device, back.deviceId(), "the same key is the same device");
        JsonObject reminder = back.expect("reminder");
        assertEquals(7, reminder.getInt("reminder"));
        assertEquals("call Mum", reminder.getString("text"));
        assertEquals(List.of(7L), host.delivered);

        host.chat.remind(new ReminderDue(9, host.persona.id(), device, "now", ChatFixture.NOW));
        assertEquals("now", back.expect("reminder").getString("text"));
        host.chat.remind(new ReminderDue(10, host.persona.id(), UUID.randomUUID(), "elsewhere", ChatFixture.NOW));
        assertEquals(List.of(7L, 9L), host.delivered, "another device's reminder reaches nobody here");
        assertTrue(back.rest().isEmpty());
    }
}

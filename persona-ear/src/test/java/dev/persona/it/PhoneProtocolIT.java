package dev.persona.it;

import dev.persona.testkit.Directories;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.persona.testkit.JavaPhone.Received;
import dev.persona.testkit.JavaPhone.Turn;
import dev.persona.testkit.JavaPhone;
import dev.persona.testkit.OwnerDesk;
import dev.persona.testkit.PersonaHost;
import dev.persona.testkit.PersonaHost.PairingUrl;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The chat protocol (docs/protocol.md) against the real host, spoken by {@link JavaPhone}s over real WSS signaling
 * and real WebRTC data channels to the host peer inside WildFly, with answers from the real llama-server (tiny
 * model): malformed and oversized messages get their documented errors and the session goes on; a phone that goes
 * away mid-answer frees its slot at once; a waiting turn, whose request already waits in llama-server's queue, stops
 * at once; a turn beyond a full line hears busy and leaves nothing stored; three
 * phones on two slots are served in fair order with the documented queue positions; a handshake proof replayed on a
 * new channel is refused; after a key rotation's grace period the old key id is refused with
 * {@code unknown-host-key} and the new one admits the paired phone; with {@code -c 0} the host plans with the slot
 * context llama-server reports; a turn llama-server finds longer than its slot gets {@code too-long} and the next
 * turn is answered.
 *
 * <p>Pairing needs one invite per phone: the first is the one the host prints at start, the others the owner mints
 * ({@link OwnerDesk}). The host restarts when a test needs another number of slots (the paired phones stay
 * approved): the chat's slots are llama-server's ({@code PERSONA_LLAMA_PARALLEL_SLOTS}), each with 4 096 tokens of
 * context; its line of waiting turns holds one. Runs in the network namespace of the failsafe execution
 * {@code loopback-network}.
 */
@Tag("loopback-network")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PhoneProtocolIT {

    /** Generous: on two busy cores the tiny model may make only ~50 tokens/s, and a host start takes a while. */
    private static final Duration REPLY = Duration.ofSeconds(30);
    private static final Duration ANSWER = Duration.ofSeconds(240);
    /** How soon a waiting turn must start once a slot is free (the host measures tens of ms; the machine is busy). */
    private static final Duration PROMPTLY = Duration.ofSeconds(5);
    private static final Path MEASUREMENTS = Path.of("target/phone-protocol-measurements.txt");
    /** Long enough that an answer is still running while a test acts on it, even at thousands of tokens/s. */
    private static final String MAX_TOKENS = "3000";

    private static PersonaHost host;
    private static OwnerDesk owner;
    private static String hostId;
    /** The current run's invite while no phone has used it. */
    private static String invite;
    private static int slots;
    /** Each llama-server slot's context: {@code -c} is this times the slots; 0 runs with the model's own. */
    private static int slotContext = 4096;
    private static final List<JavaPhone> paired = new ArrayList<>();
    private static final List<String> measurements = new ArrayList<>();

    @BeforeAll
    static void startHost() throws Exception {
        JavaPhone.requireLoopbackNetwork();
        // Slots of 4 096 tokens (start): room for the long answers below.
        host = new PersonaHost(Path.of("target/it-data/phone-protocol").toAbsolutePath())
                .with("PERSONA_CHAT_MAX_TOKENS", MAX_TOKENS)
                .with("PERSONA_CHAT_QUEUE_LIMIT", "1");
        Directories.deleteRecursively(host.dataDirectory);
        start(1);
    }

    @AfterEach
    void disconnectPhones() {
        paired.forEach(JavaPhone::disconnect);
    }

    @AfterAll
    static void stopAll() throws Exception {
        PersonaHost.tearDown(host).first(JavaPhone::disposeFactory).checkingLog().writing(MEASUREMENTS, measurements)
                .run();
    }

    // ---------------------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void malformedAndOversizedMessagesGetTheDocumentedErrorAndTheSessionGoesOn() throws Exception {
        requireHost(1, 1);
        JavaPhone phone = paired.get(0);
        measure("offer -> open data channel: " + phone.connect(hostId) + " ms");

        // Before the handshake: a broken message is malformed, a chat message is answered with handshake-first,
        // and neither ends the session.
        phone.sendFrame("hello?");
        phone.expectError("malformed", REPLY);
        phone.chat("too-early", null, "Hi");
        phone.expectError("handshake-first", REPLY);
        phone.send("{\"type\":\"history\"}");
        phone.expectError("handshake-first", REPLY);
        Received admitted = phone.handshake(hostId, null);
        assertEquals("admitted", admitted.type(), admitted.toString());
        assertEquals("approved", admitted.message().getString("code"), admitted.toString());
        assertEquals(1, admitted.message().getInt("protocol"), admitted.toString());
        assertFalse(admitted.message().getString("persona", "").isBlank(), admitted.toString());
        assertFalse(admitted.message().getString("model", "").isBlank(), admitted.toString());
        historyWorks(phone);

        // Each bad message gets its error, and the next valid message is answered as usual.
        String[][] cases = {
                {"not JSON", "this is not JSON", "malformed"},
                {"truncated JSON", "{\"type\":\"chat\",\"id\":", "malformed"},
                {"a JSON array", "[{\"type\":\"history\"}]", "malformed"},
                {"a JSON string", "\"history\"", "malformed"},
                {"no type", "{\"id\":\"x\",\"text\":\"hi\"}", "malformed"},
                {"a type that is no string", "{\"type\":7}", "malformed"},
                {"an unknown type", "{\"type\":\"teleport\",\"to\":\"mars\"}", "unknown-type"},
                {"chat without text", "{\"type\":\"chat\",\"id\":\"t1\",\"conversation\":null}", "malformed"},
                {"chat without id", "{\"type\":\"chat\",\"conversation\":null,\"text\":\"hi\"}", "malformed"},
                {"chat with a bad conversation id",
                        "{\"type\":\"chat\",\"id\":\"t1\",\"conversation\":\"not-a-uuid\",\"text\":\"hi\"}", "malformed"},
                {"chat in a conversation of nobody's", "{\"type\":\"chat\",\"id\":\"t1\",\"conversation\":\""
                        + UUID.randomUUID() + "\",\"text\":\"hi\"}", "unknown-conversation"},
                {"history of a conversation of nobody's", "{\"type\":\"history\",\"conversation\":\""
                        + UUID.randomUUID() + "\"}", "unknown-conversation"},
                {"delete without conversation", "{\"type\":\"delete\"}", "malformed"},
        };
        for (String[] bad : cases) {
            phone.sendFrame(bad[1]);
            Received error = phone.next(REPLY);
            assertEquals("error", error.type(), bad[0] + " -> " + error);
            assertEquals(bad[2], error.message().getString("code"), bad[0] + " -> " + error);
            historyWorks(phone);
        }

        phone.sendBinaryFrame("{\"type\":\"history\"}".getBytes(StandardCharsets.UTF_8));
        phone.expectError("malformed", REPLY);
        historyWorks(phone);

        // A broken chunk frame drops its message with an error, and the session goes on. (The code should be
        // "malformed"; the host says "too-large" for every rejected chunk: see the disabled test at the end.)
        phone.sendFrame("{\"type\":\"chunk\",\"id\":5,\"index\":3,\"count\":2,\"data\":\"x\"}");
        phone.expect("error", REPLY);
        historyWorks(phone);

        // A chat text above the limit the host derives from a slot's context, and announced in admitted, is too
        // large; the error names the limit. One character less is taken.
        int maxText = admitted.message().getInt("maxText");
        measure("maxText with 4096 tokens of context per llama-server slot and " + MAX_TOKENS + " max tokens: "
                + maxText + " characters");
        assertTrue(maxText > 1000 && maxText < 16_000, admitted.toString());
        phone.chat("long-text", null, "x".repeat(maxText + 1));
        Received tooLong = phone.expectError("too-large", REPLY);
        assertEquals("long-text", tooLong.message().getString("id"), tooLong.toString());
        assertTrue(tooLong.message().getString("message").contains("at most " + maxText + " characters"),
                tooLong.toString());
        historyWorks(phone);

        // A chunked message that is fine arrives whole (padding makes it three chunks).
        phone.send(Json.createObjectBuilder().add("type", "history").add("padding", "é".repeat(20_000)).build());
        assertTrue(phone.expect("history", REPLY).message().containsKey("conversations"));

        // A chunked message above the host's 4 MiB: dropped with too-large, its remaining chunks without a word.
        long sending = System.nanoTime();
        phone.chat("huge", null, "y".repeat(4 * 1024 * 1024 + 1024));
        measure("4 MiB + 1 KiB chat message handed to the data channel in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sending) + " ms ("
                + JavaPhone.frames("y".repeat(4 * 1024 * 1024 + 1024), 0).size() + " chunk frames)");
        Received tooLarge = phone.expectError("too-large", Duration.ofSeconds(120));
        measure("too-large for the 4 MiB message " + TimeUnit.NANOSECONDS.toMillis(tooLarge.at() - sending)
                + " ms after its first chunk was sent");
        historyWorks(phone);
        assertTrue(phone.drain(Duration.ofSeconds(1)).isEmpty(), "one error per oversized message");

        // After all that, a chat works: accepted, streamed, stopped, stored; a text of exactly maxText is taken.
        String longest = ("Hello there. " + "The sea is wide and deep. ".repeat(maxText / 26 + 1))
                .substring(0, maxText);
        phone.chat("fine", null, longest);
        Received accepted = phone.expect("accepted", REPLY);
        String conversation = accepted.message().getString("conversation");
        assertEquals("fine", accepted.message().getString("id"));
        Received token = phone.expect("token", ANSWER);
        assertEquals("fine", token.message().getString("id"));
        phone.stop("fine");
        Turn turn = phone.turnUntilEnd("fine", REPLY);
        assertEquals("done", turn.last().type(), turn.messages().toString());
        assertTrue(turn.last().message().getBoolean("stopped"), turn.last().toString());
        phone.send(Json.createObjectBuilder().add("type", "history").add("conversation", conversation).build());
        JsonObject stored = phone.expect("history", REPLY).message().getJsonObject("conversation");
        assertEquals(conversation, stored.getString("id"));
        assertEquals(longest, stored.getJsonArray("messages").getJsonObject(0).getString("text"));
        assertEquals("user", stored.getJsonArray("messages").getJsonObject(0).getString("role"));
        // Nothing of the refused messages was stored: the only conversation is this one.
        phone.send("{\"type\":\"history\"}");
        assertEquals(1, phone.expect("history", REPLY).message().getJsonArray("conversations").size(),
                "refused turns leave no conversation behind");
    }

    @Test
    @Order(2)
    void aHandshakeProofReplayedOnANewChannelIsRefused() throws Exception {
        requireHost(1, 1);
        JavaPhone phone = paired.get(0);
        phone.connectAndAdmit(hostId);
        String proof = phone.lastProofSignature();
        phone.disconnect();

        // A new channel means a new host challenge: the old signature does not cover it. The host refuses, and
        // closes the channel.
        phone.connect(hostId);
        phone.handshake(hostId, null, proof, false);
        assertTrue(phone.closedByHost(REPLY), "the host closes the channel after a failed handshake");
        List<Received> answers = phone.history().subList(1, phone.history().size());   // after the welcome
        assertTrue(answers.stream().noneMatch(m -> m.type().equals("admitted") || m.type().equals("waiting")),
                "a replayed proof admits nothing: " + answers);
        // The refusal should reach the phone as error bad-signature before the close. The host may lose it (it
        // closes right after sending; see the disabled test at the end), so its log is the witness then.
        if (answers.isEmpty()) {
            assertTrue(host.serverLogTail().contains("Handshake with " + phone.id + " failed: bad-signature"),
                    "the host refused the replayed proof with bad-signature:\n" + host.serverLogTail());
            measure("replayed proof: the host's error did not reach the phone before the close (host bug)");
        } else {
            assertEquals("error", answers.get(0).type(), answers.toString());
            assertEquals("bad-signature", answers.get(0).message().getString("code"), answers.toString());
        }
        phone.disconnect();

        // The phone itself is still paired: an honest handshake admits it.
        phone.connectAndAdmit(hostId);
    }

    @Test
    @Order(2)
    void anExpiredUsedOrUnknownInviteDoesNotPairANewPhone() throws Exception {
        requireHost(1, 1);
        String shortLived = owner.invite(Duration.ofSeconds(1));
        Thread.sleep(1_500);   // the invite's own clock: it must have run out
        assertRefused("expired-invite", shortLived);

        String spent = owner.invite();
        JavaPhone first = new JavaPhone(host, "phone-spender");
        first.connect(hostId);
        assertEquals("admitted", first.handshake(hostId, spent).type(), "a fresh invite pairs");
        first.disconnect();
        assertRefused("used-invite", spent);

        assertRefused("invalid-invite", "notaninvitecode2345");
    }

    /** A new phone presenting {@code invite} is refused with {@code code}, and the host closes its channel. */
    private static void assertRefused(String code, String invite) throws Exception {
        JavaPhone phone = new JavaPhone(host, "phone-" + code);
        try {
            phone.connect(hostId);
            Received decision = phone.handshake(hostId, invite);
            assertEquals("refused", decision.type(), decision.toString());
            assertEquals(code, decision.message().getString("code"), decision.toString());
            assertFalse(decision.message().getString("reason", "").isBlank(), "the refusal says what to do");
        } finally {
            phone.disconnect();
        }
    }

    @Test
    @Order(3)
    void aPhoneThatGoesAwayMidAnswerFreesItsSlotAtOnce() throws Exception {
        requireHost(1, 3);
        JavaPhone a = paired.get(0);
        JavaPhone b = paired.get(1);
        a.connectAndAdmit(hostId);
        b.connectAndAdmit(hostId);

        a.chat("a-long", null, "Tell me a very long story about the sea.");
        a.expect("accepted", REPLY);
        a.expect("token", ANSWER);
        b.chat("b-waits", null, "Hello, are you there?");
        b.expect("accepted", REPLY);
        Received queued = b.expect("queue", REPLY);
        assertEquals(1, queued.message().getInt("position"), "the only slot is A's: B is next");

        // The line (limit 1) is full: C hears busy, and nothing of its turn is stored or accepted.
        JavaPhone c = paired.get(2);
        c.connectAndAdmit(hostId);
        c.chat("c-busy", null, "Is there room for me?");
        Received busy = c.expectError("busy", REPLY);
        assertEquals("c-busy", busy.message().getString("id"), busy.toString());
        assertTrue(c.history().stream().noneMatch(m -> m.type().equals("accepted")), c.history().toString());
        c.send("{\"type\":\"history\"}");
        assertEquals(0, c.expect("history", REPLY).message().getJsonArray("conversations").size(),
                "a refused turn leaves no conversation behind");
        c.disconnect();

        // B's waiting turn was sent ahead (its request waits in llama-server's own queue): B still hears its place,
        // and its stop ends it at once, before any token; B's next turn takes its place in line.
        b.stop("b-waits");
        Turn stopped = b.turnUntilEnd("b-waits", REPLY);
        assertEquals("done", stopped.last().type(), stopped.messages().toString());
        assertTrue(stopped.last().message().getBoolean("stopped"), stopped.last().toString());
        assertTrue(stopped.ofType("token").isEmpty(), "a stopped waiting turn streams nothing: " + stopped.messages());
        b.chat("b-again", null, "Hello again, are you there?");
        b.expect("accepted", REPLY);
        assertEquals(1, b.expect("queue", REPLY).message().getInt("position"), "B is next again");

        // A is still answering when it goes away.
        a.expect("token", ANSWER);
        assertTrue(a.history().stream().noneMatch(m -> m.type().equals("done") || m.type().equals("error")),
                "A's answer must still be running when A goes away: " + a.history());
        long gone = System.nanoTime();
        a.disconnect();

        Received first = b.next(Duration.ofSeconds(60));
        assertEquals("token", first.type(), "B's turn starts, no busy, no error: " + first);
        assertEquals("b-again", first.message().getString("id"));
        long latency = TimeUnit.NANOSECONDS.toMillis(first.at() - gone);
        measure("1 slot: phone A closed mid-answer -> waiting phone B's first token after " + latency + " ms");
        assertTrue(latency < PROMPTLY.toMillis(), "B's turn started " + latency + " ms after A went away");
        b.stop("b-again");
        Turn bTurn = b.turnUntilEnd("b-again", REPLY);
        assertEquals("done", bTurn.last().type(), bTurn.messages().toString());
        assertTrue(bTurn.messages().stream().noneMatch(m -> m.type().equals("error")), bTurn.messages().toString());

        // The slot count is right again: A comes back and its turn starts at once, without waiting.
        a.connectAndAdmit(hostId);
        a.chat("a-again", null, "I am back.");
        a.expect("accepted", REPLY);
        Received again = a.next(ANSWER);
        assertEquals("token", again.type(), "no queue once both earlier turns are over: " + again);
        a.stop("a-again");
        assertEquals("done", a.turnUntilEnd("a-again", REPLY).last().type());
    }

    @Test
    @Order(4)
    void threePhonesOnTwoSlotsAreServedInFairOrderWithQueuePositions() throws Exception {
        requireHost(2, 3);
        JavaPhone a = paired.get(0);
        JavaPhone b = paired.get(1);
        JavaPhone c = paired.get(2);
        a.connectAndAdmit(hostId);
        b.connectAndAdmit(hostId);
        c.connectAndAdmit(hostId);

        // A and B take the two slots at once; C waits first in line.
        a.chat("a-1", null, "Tell me about mountains.");
        a.expect("accepted", REPLY);
        a.expect("token", ANSWER);
        b.chat("b-1", null, "Tell me about rivers.");
        b.expect("accepted", REPLY);
        b.expect("token", ANSWER);
        c.chat("c-1", null, "Tell me about clouds.");
        c.expect("accepted", REPLY);
        assertEquals(1, c.expect("queue", REPLY).message().getInt("position"), "C is next");

        // One turn per phone: a second message while C waits is refused, and C keeps its place.
        c.chat("c-2", null, "Hurry up!");
        Received oneAtATime = c.expectError("one-at-a-time", REPLY);
        assertTrue(c.drain(Duration.ofMillis(200)).isEmpty(), "nothing else for C yet, e.g. " + oneAtATime);

        // A's answer ends (stopped): C starts at once.
        a.stop("a-1");
        Turn aTurn = a.turnUntilEnd("a-1", REPLY);
        assertEquals("done", aTurn.last().type(), aTurn.messages().toString());
        assertTrue(aTurn.ofType("queue").isEmpty(), "A never waited");
        Received cFirst = c.expect("token", Duration.ofSeconds(60));
        assertEquals("c-1", cFirst.message().getString("id"));
        long cLatency = TimeUnit.NANOSECONDS.toMillis(cFirst.at() - aTurn.last().at());
        measure("2 slots: A's done (stopped) -> waiting C's first token after " + cLatency + " ms");
        // The slot is given back when the answer ends, before it is stored and done is sent: C may start first.
        assertTrue(Math.abs(cLatency) < PROMPTLY.toMillis(), "C started " + cLatency + " ms after A's done");

        // A asks again while B and C run: it waits at position 1 (C, which waited, went first).
        assertTrue(b.history().stream().noneMatch(m -> m.type().equals("done")),
                "B must still be answering here: " + b.history().size() + " messages");
        a.chat("a-2", null, "And now about the sea.");
        a.expect("accepted", REPLY);
        assertEquals(1, a.expect("queue", REPLY).message().getInt("position"), "A waits behind the two running");

        // B's answer completes by itself (max tokens): A's second turn starts at once.
        Turn bTurn = b.turnUntilEnd("b-1", ANSWER);
        assertEquals("done", bTurn.last().type(), bTurn.messages().toString());
        assertFalse(bTurn.last().message().getBoolean("stopped"), bTurn.last().toString());
        assertTrue(bTurn.ofType("queue").isEmpty(), "B never waited");
        JsonObject usage = bTurn.last().message().getJsonObject("usage");
        assertNotNull(usage, bTurn.last().toString());
        measure("2 slots: B's complete answer " + usage.getInt("completionTokens") + " tokens, "
                + bTurn.last().message().getJsonObject("timings"));
        Received aFirst = a.expect("token", Duration.ofSeconds(60));
        assertEquals("a-2", aFirst.message().getString("id"));
        long aLatency = TimeUnit.NANOSECONDS.toMillis(aFirst.at() - bTurn.last().at());
        measure("2 slots: B's done (complete) -> waiting A's first token after " + aLatency + " ms");
        assertTrue(Math.abs(aLatency) < PROMPTLY.toMillis(), "A started " + aLatency + " ms after B's done");

        // C was never told busy and never moved back; its answer streams on.
        List<Received> cSoFar = c.history();
        assertTrue(cSoFar.stream().noneMatch(m -> "error".equals(m.type())
                && !"one-at-a-time".equals(m.message().getString("code", ""))), cSoFar.toString());
        assertEquals(1, cSoFar.stream().filter(m -> m.type().equals("queue")).count(), "C was queued once");

        a.stop("a-2");
        assertEquals("done", a.turnUntilEnd("a-2", REPLY).last().type());
        c.stop("c-1");
        Turn cTurn = c.turnUntilEnd("c-1", REPLY);
        assertEquals("done", cTurn.last().type(), cTurn.messages().toString());
    }

    @Test
    @Order(5)
    void errorsAboutATurnCarryItsIdABrokenChunkIsMalformedAndTheLastMessageBeforeACloseArrives() throws Exception {
        requireHost(Math.max(slots, 1), 1);
        JavaPhone phone = paired.get(0);
        phone.connectAndAdmit(hostId);
        List<String> deviations = new ArrayList<>();

        phone.sendFrame("{\"type\":\"chunk\",\"id\":5,\"index\":3,\"count\":2,\"data\":\"x\"}");
        Received brokenChunk = phone.expect("error", REPLY);
        if (!"malformed".equals(brokenChunk.message().getString("code"))) {
            deviations.add("a broken chunk frame is not 'malformed': " + brokenChunk);
        }

        phone.chat("long-text", null, "x".repeat(50_000));
        Received tooLarge = phone.expectError("too-large", REPLY);
        if (!"long-text".equals(tooLarge.message().getString("id", null))) {
            deviations.add("the too-large error of a chat has not the turn's id: " + tooLarge);
        }

        phone.chat("running", null, "Tell me a long story.");
        phone.expect("accepted", REPLY);
        phone.expect("token", ANSWER);
        phone.chat("second", null, "And another one.");
        List<Received> upToError = phone.until(m -> "error".equals(m.type()), REPLY);
        Received oneAtATime = upToError.get(upToError.size() - 1);
        assertEquals("one-at-a-time", oneAtATime.message().getString("code"), oneAtATime.toString());
        if (!"second".equals(oneAtATime.message().getString("id", null))) {
            deviations.add("the one-at-a-time error of a chat has not the turn's id: " + oneAtATime);
        }
        phone.stop("running");
        phone.until(m -> "done".equals(m.type()), REPLY);
        phone.disconnect();

        // A failed handshake is answered with its error, then the channel closes (identity.md section 6): the
        // error must not be lost in the close.
        int lost = 0;
        for (int attempt = 1; attempt <= 10; attempt++) {
            phone.connect(hostId);
            phone.handshake(hostId, null, JavaPhone.base64url(new byte[64]), false);
            assertTrue(phone.closedByHost(REPLY), "the host closes the channel after a failed handshake");
            List<Received> answers = phone.history().subList(1, phone.history().size());
            if (answers.isEmpty()) {
                lost++;
            } else {
                assertEquals("bad-signature", answers.get(0).message().getString("code"), answers.toString());
            }
            phone.disconnect();
        }
        if (lost > 0) {
            deviations.add("the bad-signature error was lost in the host's close in " + lost + " of 10 handshakes");
        }
        assertTrue(deviations.isEmpty(), String.join("\n", deviations));
    }

    @Test
    @Order(6)
    void afterARotationsGracePeriodTheOldKeyIdIsRefusedAndTheNewOneAdmits() throws Exception {
        requireHost(Math.max(slots, 1), 1);
        JavaPhone phone = paired.get(0);
        String oldHostId = hostId;
        hostId = owner.rotate(Duration.ofSeconds(2));
        Thread.sleep(3_000);
        // The old id still reaches the host through signaling, but the host no longer holds its key.
        phone.connect(oldHostId);
        Received refused = phone.handshake(oldHostId, null);
        assertEquals("error", refused.type(), refused.toString());
        assertEquals("unknown-host-key", refused.message().getString("code"), refused.toString());
        assertTrue(refused.message().getString("message").contains("Scan a new QR code"), refused.toString());
        assertTrue(phone.closedByHost(REPLY), "the host closes the channel after the refusal");
        phone.disconnect();
        phone.connectAndAdmit(hostId);
        historyWorks(phone);
    }

    @Test
    @Order(7)
    void withTheModelsOwnContextTheHostPlansWithTheSlotsLlamaServerReports() throws Exception {
        // -c 0: llama-server gives each of its slots the model's trained context (131 072 tokens for the tiny
        // model: it reports n_ctx_slot = 131072); the host cannot know that from its settings, so it asks /slots.
        // The answer keeps 3 000 of them (persona.chat.max.tokens), the prompt the rest.
        slotContext = 0;
        restart(Math.max(slots, 1));
        JavaPhone phone = paired.get(0);
        phone.connect(hostId);
        Received admitted = phone.handshake(hostId, null);
        assertEquals("admitted", admitted.type(), admitted.toString());
        int maxText = admitted.message().getInt("maxText");
        measure("maxText with -c 0 (the tiny model's 131072 tokens in each llama-server slot) and "
                + MAX_TOKENS + " max tokens: " + maxText + " characters");
        assertTrue(maxText > 3 * (131_072 - 3_000 - 200) && maxText < 3 * (131_072 - 3_000), admitted.toString());
        phone.chat("own-context", null, "Hi.");
        phone.expect("accepted", REPLY);
        answeredThenStopped(phone, "own-context");
    }

    @Test
    @Order(8)
    void aTurnLlamaServerFindsLongerThanItsSlotGetsTooLongAndTheSessionGoesOn() throws Exception {
        // The host plans with slots of 4 096 tokens. llama-server caps a slot at the context the model says it was
        // trained for, so overriding that to 512 makes it refuse a prompt the host's estimate took for fitting: the
        // fallback of docs/protocol.md section 6, with llama-server's own refusal.
        slotContext = 4096;
        host.with("PERSONA_LLAMA_EXTRA_ARGUMENTS", "--override-kv llama.context_length=int:512");
        restart(Math.max(slots, 1));
        JavaPhone phone = paired.get(0);
        phone.connect(hostId);
        Received admitted = phone.handshake(hostId, null);
        assertEquals("admitted", admitted.type(), admitted.toString());
        String text = "hello ".repeat(600).strip();
        assertTrue(text.length() < admitted.message().getInt("maxText"), "the host takes the text: " + admitted);
        phone.chat("overflow", null, text);
        List<Received> upToError = phone.until(m -> "error".equals(m.type()), REPLY);
        Received tooLong = upToError.get(upToError.size() - 1);
        assertEquals("too-long", tooLong.message().getString("code"), upToError.toString());
        assertEquals("overflow", tooLong.message().getString("id"), tooLong.toString());
        assertTrue(tooLong.message().getString("message").contains("do not fit the model's context"),
                tooLong.toString());
        // The slot is free again and a short turn is answered.
        phone.chat("short", null, "Hi.");
        phone.expect("accepted", REPLY);
        answeredThenStopped(phone, "short");
        historyWorks(phone);
    }

    // ---------------------------------------------------------------------------------------------------------

    /**
     * The turn streams its answer; then it is stopped and ends with {@code done}. (Waiting for the whole answer, up
     * to 3 000 tokens, would take minutes on a busy 2-core machine, where the tiny model makes ~15 tokens/s.)
     */
    private static void answeredThenStopped(JavaPhone phone, String turnId) throws Exception {
        assertEquals(turnId, phone.expect("token", ANSWER).message().getString("id"));
        phone.stop(turnId);
        phone.until(m -> "done".equals(m.type()), REPLY);
    }

    /** A valid message right after: the session went on. */
    private static void historyWorks(JavaPhone phone) throws Exception {
        phone.send("{\"type\":\"history\"}");
        Received history = phone.expect("history", REPLY);
        assertTrue(history.message().containsKey("conversations"), history.toString());
    }

    /** A host with {@code slotCount} chat slots and at least {@code phones} paired phones. */
    private static void requireHost(int slotCount, int phones) throws Exception {
        if (slots != slotCount) {
            restart(slotCount);
        }
        while (paired.size() < phones) {
            if (invite == null) {
                invite = owner.invite();
            }
            JavaPhone phone = new JavaPhone(host, "phone-" + (char) ('A' + paired.size()));
            phone.connect(hostId);
            Received decision = phone.handshake(hostId, invite);
            invite = null;
            assertEquals("admitted", decision.type(), decision.toString());
            assertEquals("paired", decision.message().getString("code"), decision.toString());
            phone.disconnect();
            paired.add(phone);
        }
    }

    private static void restart(int slotCount) throws Exception {
        paired.forEach(JavaPhone::disconnect);
        host.stop();
        start(slotCount);
    }

    private static void start(int slotCount) throws Exception {
        host.with("PERSONA_LLAMA_PARALLEL_SLOTS", Integer.toString(slotCount))
                .with("PERSONA_LLAMA_CONTEXT_SIZE", Integer.toString(slotContext * slotCount));
        long started = System.nanoTime();
        PersonaHost.Run run = host.start();
        measure("host start with " + slotCount + " slot(s): "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
        PairingUrl url = run.pairingUrl();
        if (hostId != null) {
            assertEquals(hostId, url.hostId(), "the persona keeps its key over restarts");
        }
        hostId = url.hostId();
        invite = url.invite();
        slots = slotCount;
        owner = OwnerDesk.deployInto(host);
    }

    private static void measure(String line) {
        measurements.add(line);
        System.out.println("[measure] " + line);
    }
}

package dev.persona.it;

import dev.persona.testkit.Directories;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.persona.testkit.JavaPhone;
import dev.persona.testkit.JavaPhone.Received;
import dev.persona.testkit.JavaPhone.Turn;
import dev.persona.testkit.OwnerDesk;
import dev.persona.testkit.PersonaHost;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Crashes in the middle of an answer and a burst of phones, on the deployed host with Java phones attached:
 * llama-server killed (a clear error for that answer, serving again once the connector restarted it), the WildFly
 * JVM killed (every completed message kept, the cut answer stored once and marked interrupted at the next start, the
 * phone's pairing and the host's key intact, the conversation goes on), then 16 phones sending at the same instant,
 * three times (every turn answered or refused as busy, no turn lost or answered twice, the line kept in order). One
 * host, started twice (the kill needs a new start). Runs in the network namespace of the failsafe execution
 * {@code loopback-network} (WebRTC).
 */
@Tag("loopback-network")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashSafetyIT {

    private static final Duration REPLY = Duration.ofSeconds(30);
    /** Generous: on two busy cores the tiny model may make only ~15 tokens/s, and a line of 11 turns waits long. */
    private static final Duration ANSWER = Duration.ofSeconds(240);
    private static final Path MEASUREMENTS = Path.of("target/crash-safety-measurements.txt");
    /** One slot, a line of 10: of 16 turns sent at once, at least 5 hear busy unless answers end very fast. */
    private static final int QUEUE_LIMIT = 10;
    private static final int PHONES = 16;

    private static PersonaHost host;
    private static String hostId;
    private static JavaPhone first;
    private static String conversation;
    /** What the phone heard of each answer that ended with done, in order: each must be stored as heard. */
    private static final List<String> heardAnswers = new ArrayList<>();
    /** The person's messages sent in the conversation, in order: each must be stored once. */
    private static final List<String> asked = new ArrayList<>();
    private static final List<String> measurements = new ArrayList<>();

    /** One stored message of a conversation. */
    private record Row(String role, String state, String text) {
    }

    @BeforeAll
    static void startHostAndPairAPhone() throws Exception {
        JavaPhone.requireLoopbackNetwork();
        // Long answers first (the kills must land while one streams); a start after the kill makes them short.
        host = new PersonaHost(Path.of("target/it-data/crash-safety").toAbsolutePath())
                .with("PERSONA_CHAT_MAX_TOKENS", "3000")
                .with("PERSONA_LLAMA_PARALLEL_SLOTS", "1")
                // 8192: a slot keeps half for the answer, so answers run to the 3000 tokens asked for (about 1.8 s
                // at the tiny model's best 1 700 tokens/s here), longer than the wait before the kill below.
                .with("PERSONA_LLAMA_CONTEXT_SIZE", "8192")
                .with("PERSONA_CHAT_QUEUE_LIMIT", Integer.toString(QUEUE_LIMIT));
        Directories.deleteRecursively(host.dataDirectory);
        PersonaHost.PairingUrl pairing = host.start().pairingUrl();
        hostId = pairing.hostId();
        first = new JavaPhone(host, "crash-0");
        first.connect(hostId);
        Received decision = first.handshake(hostId, pairing.invite());
        assertEquals("admitted", decision.type(), decision.toString());
    }

    @AfterAll
    static void stopHost() throws Exception {
        PersonaHost.tearDown(host).first(JavaPhone::disposeFactory).writing(MEASUREMENTS, measurements).run();
    }

    @Test
    @Order(1)
    void llamaServerKilledMidAnswerIsAClearErrorAndTheNextAnswerWorksOnceItIsBack() throws Exception {
        ask("before", null, "Remember the word avocado.");
        conversation = first.expect("accepted", REPLY).message().getString("conversation");
        String before = first.expect("token", ANSWER).message().getString("text");
        first.stop("before");
        Turn stopped = first.turnUntilEnd("before", REPLY);
        assertEquals("done", stopped.last().type(), stopped.messages().toString());
        heardAnswers.add(before + stopped.answer());

        ask("victim", conversation, "Tell me a long story.");
        first.expect("accepted", REPLY);
        first.expect("token", ANSWER);
        long llamaPid = llamaPid();
        ProcessHandle llama = ProcessHandle.of(llamaPid).orElseThrow();
        long killed = System.nanoTime();
        llama.destroyForcibly();
        llama.onExit().get(30, TimeUnit.SECONDS);

        Turn victim = first.turnUntilEnd("victim", REPLY);
        assertEquals("error", victim.last().type(), "the cut answer ends with an error: " + victim.messages());
        assertEquals("model-unavailable", victim.last().message().getString("code"), victim.last().toString());
        assertFalse(victim.last().message().getString("message", "").isBlank(), victim.last().toString());

        // The connector restarts llama-server; until then a turn is refused with the same clear error.
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        int refused = 0;
        while (true) {
            String id = "again-" + refused;
            ask(id, conversation, "Are you back?");
            first.expect("accepted", REPLY);
            Received next = first.next(ANSWER);
            if ("token".equals(next.type())) {
                long ms = TimeUnit.NANOSECONDS.toMillis(next.at() - killed);
                measure("llama-server killed (kill -9) mid-answer -> a new turn's first token after " + ms + " ms ("
                        + refused + " turn(s) refused meanwhile)");
                first.stop(id);
                Turn again = first.turnUntilEnd(id, REPLY);
                assertEquals("done", again.last().type(), again.messages().toString());
                heardAnswers.add(next.message().getString("text") + again.answer());
                break;
            }
            assertEquals("error", next.type(), next.toString());
            assertEquals("model-unavailable", next.message().getString("code"), next.toString());
            refused++;
            assertTrue(System.nanoTime() < deadline, "llama-server was not serving again within 180 s");
            Thread.sleep(250);
        }
        assertNotEquals(llamaPid, llamaPid(), "a new llama-server process");
    }

    @Test
    @Order(2)
    void wildflyKilledMidAnswerKeepsEveryMessageTheCutAnswerOnceAsInterruptedAndThePhoneGoesOn() throws Exception {
        // An answer that streams for 1 s: it was saved at its first token, so the crash finds it stored. (1.5 s was
        // longer than a whole answer of 2 048 tokens when the tiny model ran at 1 400 tokens/s or more.)
        StringBuilder streamed = new StringBuilder();
        for (int attempt = 0; ; attempt++) {
            String id = "cut-" + attempt;
            ask(id, conversation, "Tell me about the sea.");
            first.expect("accepted", REPLY);
            Received token = first.expect("token", ANSWER);
            streamed.setLength(0);
            streamed.append(token.message().getString("text"));
            long killAt = token.at() + Duration.ofMillis(1000).toNanos();
            List<Received> more = first.until(m -> m.at() >= killAt || !"token".equals(m.type()), ANSWER);
            Received lastHeard = more.get(more.size() - 1);
            more.stream().filter(m -> "token".equals(m.type()))
                    .forEach(m -> streamed.append(m.message().getString("text")));
            if ("token".equals(lastHeard.type())) {
                break;
            }
            // The whole answer came within 1 s (a fast machine): it is stored as complete; try again.
            assertEquals("done", lastHeard.type(), lastHeard.toString());
            heardAnswers.add(streamed.toString());
            assertTrue(attempt < 2, "three answers ended within 1 s of their first token; none to cut");
        }
        long wildflyPid = Long.parseLong(Files.readString(host.dataDirectory.resolve("run/wildfly.pid")).trim());
        ProcessHandle wildfly = ProcessHandle.of(wildflyPid).orElseThrow();
        wildfly.destroyForcibly();
        wildfly.onExit().get(60, TimeUnit.SECONDS);
        first.disconnect();

        // What the database holds right after the crash: every message, the cut answer stored while answering.
        List<Row> rows = messages(conversation);
        assertStored(rows, "ANSWERING", streamed.toString());
        try (Connection db = host.openDatabase(); Statement statement = db.createStatement();
             ResultSet devices = statement.executeQuery("select status from device")) {
            assertTrue(devices.next(), "the paired phone's device is stored");
            assertEquals("APPROVED", devices.getString(1));
            assertFalse(devices.next(), "one device");
        }

        host.with("PERSONA_CHAT_MAX_TOKENS", "24");
        long restart = System.nanoTime();
        PersonaHost.PairingUrl pairing = host.start().pairingUrl();
        measure("start after the WildFly JVM was killed: " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restart)
                + " ms");
        assertEquals(hostId, pairing.hostId(), "the persona keeps its key over the crash");
        assertTrue(Files.readString(host.dataDirectory.resolve("logs/server.log"), StandardCharsets.ISO_8859_1)
                .contains("1 answer(s) cut off when the host last stopped"), "the start says what it marked");

        // The same phone, without an invite: still paired; it sees the cut answer as interrupted and goes on.
        first.connectAndAdmit(hostId);
        first.send(Json.createObjectBuilder().add("type", "history").add("conversation", conversation).build());
        List<JsonObject> history = first.expect("history", REPLY).message().getJsonObject("conversation")
                .getJsonArray("messages").getValuesAs(JsonObject.class);
        JsonObject cut = history.get(history.size() - 1);
        assertEquals("assistant", cut.getString("role"), cut.toString());
        assertEquals("interrupted", cut.getString("state", null), cut.toString());
        assertTrue(streamed.toString().startsWith(cut.getString("text")), cut.toString());
        assertEquals(1, history.stream().filter(m -> m.containsKey("state")).count(), history.toString());

        ask("after", conversation, "What word did I ask you to remember?");
        first.expect("accepted", REPLY);
        Turn after = first.turnUntilEnd("after", ANSWER);
        assertEquals("done", after.last().type(), after.messages().toString());
        assertFalse(after.last().message().getBoolean("stopped"), after.last().toString());
        heardAnswers.add(after.answer());
    }

    @Test
    @Order(3)
    void sixteenPhonesSendingAtOnceAreEachAnsweredOrToldBusyInOrderAndNothingIsLostOrDoubled() throws Exception {
        OwnerDesk owner = OwnerDesk.deployInto(host);
        List<JavaPhone> phones = new ArrayList<>(List.of(first));
        for (int i = 1; i < PHONES; i++) {
            JavaPhone phone = new JavaPhone(host, "crash-" + i);
            phone.connect(hostId);
            Received decision = phone.handshake(hostId, owner.invite());
            assertEquals("admitted", decision.type(), decision.toString());
            phones.add(phone);
        }
        Map<JavaPhone, String> conversations = new HashMap<>();
        conversations.put(first, conversation);
        Map<String, Integer> acceptedPerConversation = new HashMap<>();
        int answered = 0;
        int busy = 0;
        ExecutorService senders = Executors.newFixedThreadPool(PHONES);
        try {
            for (int round = 1; round <= 3; round++) {
                CountDownLatch ready = new CountDownLatch(PHONES);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> sent = new ArrayList<>();
                for (int i = 0; i < PHONES; i++) {
                    JavaPhone phone = phones.get(i);
                    String id = "r" + round + "-" + i;
                    String text = "Round " + round + " from phone " + i + ".";
                    sent.add(senders.submit((Callable<Void>) () -> {
                        ready.countDown();
                        go.await();
                        phone.chat(id, conversations.get(phone), text);
                        return null;
                    }));
                }
                ready.await(30, TimeUnit.SECONDS);
                go.countDown();
                for (Future<?> f : sent) {
                    f.get(30, TimeUnit.SECONDS);
                }
                int roundBusy = 0;
                for (int i = 0; i < PHONES; i++) {
                    JavaPhone phone = phones.get(i);
                    String id = "r" + round + "-" + i;
                    Turn turn = phone.turnUntilEnd(id, ANSWER);
                    Received opening = turn.messages().get(0);
                    if ("error".equals(opening.type())) {
                        assertEquals(1, turn.messages().size(), turn.messages().toString());
                        assertEquals("busy", opening.message().getString("code"), opening.toString());
                        assertFalse(opening.message().getString("message", "").isBlank(), opening.toString());
                        roundBusy++;
                        continue;
                    }
                    assertEquals("accepted", opening.type(), turn.messages().toString());
                    String conv = opening.message().getString("conversation");
                    conversations.putIfAbsent(phone, conv);
                    assertEquals(conversations.get(phone), conv, "the turn went to the phone's conversation");
                    acceptedPerConversation.merge(conv, 1, Integer::sum);
                    assertEquals("done", turn.last().type(), phone + " " + id + ": " + turn.messages());
                    assertFalse(turn.last().message().getBoolean("stopped"), turn.last().toString());
                    assertEquals(1, turn.ofType("accepted").size(), turn.messages().toString());
                    assertInOrder(id, turn);
                    if (phone == first) {
                        asked.add("Round " + round + " from phone 0.");
                        heardAnswers.add(turn.answer());
                    }
                    answered++;
                }
                busy += roundBusy;
                measure("16 phones at once, round " + round + ": " + (PHONES - roundBusy) + " answered, "
                        + roundBusy + " busy (1 slot, a line of " + QUEUE_LIMIT + ")");
                for (JavaPhone phone : phones) {
                    List<Received> extra = phone.drain(Duration.ofMillis(200));
                    assertTrue(extra.isEmpty(), "nothing after a turn's end (no second answer): " + extra);
                }
            }
        } finally {
            senders.shutdownNow();
            phones.forEach(JavaPhone::disconnect);
        }
        assertEquals(3 * PHONES, answered + busy, "every turn answered or refused");
        assertTrue(answered >= 3 * (1 + QUEUE_LIMIT), "at least a slot and a full line answered each round");

        // Stored: each answered turn once, its question and its answer, in order; nothing of a refused turn.
        host.stop();
        for (Map.Entry<JavaPhone, String> entry : conversations.entrySet()) {
            if (entry.getKey() == first) {
                continue;
            }
            List<Row> rows = messages(entry.getValue());
            int turns = acceptedPerConversation.getOrDefault(entry.getValue(), 0);
            assertEquals(2 * turns, rows.size(), entry.getKey() + ": " + rows);
            for (int i = 0; i < rows.size(); i++) {
                assertEquals(i % 2 == 0 ? "USER" : "ASSISTANT", rows.get(i).role(), rows.toString());
                assertEquals("COMPLETE", rows.get(i).state(), rows.toString());
            }
        }
        // The first phone's conversation: everything from the crash test on, the cut answer interrupted, once.
        assertStored(messages(conversation), "INTERRUPTED", null);
    }

    // ---------------------------------------------------------------------------------------------------------

    private static void ask(String id, String conv, String text) throws Exception {
        first.chat(id, conv, text);
        asked.add(text);
    }

    /**
     * A queued turn's place only moves forward, one at a time, and it starts after it was first in line: no turn
     * overtook it.
     */
    private static void assertInOrder(String id, Turn turn) {
        List<Received> queue = turn.ofType("queue");
        for (int i = 1; i < queue.size(); i++) {
            assertEquals(queue.get(i - 1).message().getInt("position") - 1, queue.get(i).message().getInt("position"),
                    id + " moves up one place at a time: " + queue);
        }
        if (!queue.isEmpty()) {
            assertEquals(1, queue.get(queue.size() - 1).message().getInt("position"), id + ": " + queue);
        }
    }

    /**
     * The first phone's conversation as stored: the person's messages each once and in order, each answer that
     * ended with done stored as heard, and the cut answer once, in {@code cutState}, as a beginning of what the
     * phone heard of it ({@code cutHeard}, when known).
     */
    private static void assertStored(List<Row> rows, String cutState, String cutHeard) {
        List<String> users = rows.stream().filter(r -> r.role().equals("USER")).map(Row::text).toList();
        assertEquals(asked, users, "every question of a turn taken stored once, in order");
        List<Row> cut = rows.stream().filter(r -> !r.state().equals("COMPLETE")).toList();
        assertEquals(1, cut.size(), "the cut answer, once: " + rows);
        assertEquals(cutState, cut.get(0).state(), rows.toString());
        assertEquals("ASSISTANT", cut.get(0).role());
        if (cutHeard != null) {
            assertFalse(cut.get(0).text().isEmpty(), "saved at its first token, 1 s before the kill");
            assertTrue(cutHeard.startsWith(cut.get(0).text()), "what was saved is what the phone heard: "
                    + cut.get(0).text() + " / " + cutHeard);
        }
        List<String> answers = rows.stream().filter(r -> r.role().equals("ASSISTANT") && r.state().equals("COMPLETE"))
                .map(Row::text).toList();
        assertTrue(answers.containsAll(heardAnswers), "every answer heard is stored as heard: " + answers);
        assertEquals(heardAnswers.size(), answers.size(), "no answer stored twice, none of a failed turn");
    }

    private static List<Row> messages(String conv) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (Connection db = host.openDatabase(); PreparedStatement query = db.prepareStatement(
                "select role, state, text from chat_message where conversation_id = ? order by sequence")) {
            query.setObject(1, java.util.UUID.fromString(conv));
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows.add(new Row(result.getString(1), result.getString(2), result.getString(3)));
                }
            }
        }
        return rows;
    }

    private static long llamaPid() throws Exception {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(host.dataDirectory.resolve("llama/llama-server-1.pid"))) {
            properties.load(in);
        }
        return Long.parseLong(properties.getProperty("pid"));
    }

    private static void measure(String line) {
        measurements.add(line);
        System.out.println("[measure] " + line);
    }
}

package dev.persona.host.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each frame record against the shared vectors (docs/vectors/protocol-vectors.json, which the phone page's tests
 * read too): what the host writes is the vector byte for byte, what the phone sends binds to the record with its
 * fields, and every broken message is refused with {@code malformed} and a message that names what is wrong.
 */
class FramesTest {

    private static final UUID CONVERSATION = UUID.fromString("6f1c2a3e-8d4b-4c5a-9e7f-0a1b2c3d4e5f");
    private static final UUID MATHS = UUID.fromString("0e4d1c2b-3a49-4f8e-b7a6-c5d4e3f2a1b0");
    private static final String HOST = "k1rkeohxlubhyzl7ks3mwtzos5olfgocn7dwkbeg7toseadnapn5oa";
    private static final String PHONE = "k1qe4xodvipulv6vvdkrtmgtd6ztfy3curwtxdpis56yhvxd6jwoka";

    /** The record of each phone message type, as PhoneSession chooses it. */
    static final Map<String, Class<? extends Frames.FromPhone>> PHONE_TYPES = Map.of("hello", Frames.Hello.class,
            "proof", Frames.Proof.class, "chat", Frames.Chat.class, "stop", Frames.Stop.class,
            "history", Frames.HistoryRequest.class, "delete", Frames.Delete.class);

    private static JsonObject vectors;

    @BeforeAll
    static void readVectors() throws IOException {
        vectors = ProtocolVectors.read();
    }

    @Test
    void everyHostFrameIsWrittenAsItsVectorByteForByte() {
        Map<String, Frames.ToPhone> frames = new LinkedHashMap<>();
        frames.put("welcome", new Frames.Welcome(HOST, "IiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiI",
                "v-0kTUWjgyOLFnGA4B21DEX32oGMiTkavvgocEjpM6f5ZmkfsA_p5nkRlgFOLPqLCpIHy7WF0rT3DXj4wwgMAg"));
        frames.put("waiting", new Frames.Waiting("pending", "The owner must approve this phone."));
        frames.put("refused", new Frames.Refused("revoked", "The owner revoked this phone."));
        frames.put("admitted", new Frames.Admitted("approved", "The owner approved this phone.", "Persona", HOST,
                "persona-tiny", 1398, 1));
        frames.put("accepted", new Frames.Accepted("t1", CONVERSATION));
        frames.put("queue", new Frames.Queue("t1", 2));
        frames.put("token", new Frames.Token("t1", "Grüße 😀 \"quoted\"\n</script>"));
        frames.put("done", new Frames.Done("t1", false, new Frames.Usage(42, 7), new Frames.Timings(85L, 31.5)));
        frames.put("done-stopped", new Frames.Done("t1", true, null, new Frames.Timings(85L, null)));
        frames.put("done-stopped-before-a-token", new Frames.Done("t1", true, null, new Frames.Timings(null, null)));
        frames.put("error-of-a-turn", new Frames.Failure("t1", "too-large",
                "A message may have at most 1398 characters here."));
        frames.put("error", new Frames.Failure(null, "unknown-type",
                "Unknown message type 'teleport' (protocol version 1)."));
        frames.put("history-list", new Frames.History(List.of(
                new Frames.ConversationSummary(CONVERSATION, "Hello", Instant.parse("2026-12-07T00:51:56.123Z")),
                new Frames.ConversationSummary(MATHS, "Maths", Instant.parse("2026-12-06T18:30:00Z"))), null));
        frames.put("history-list-empty", new Frames.History(List.of(), null));
        frames.put("history-conversation", new Frames.History(null, new Frames.ConversationView(MATHS, "Maths", List.of(
                new Frames.HistoryMessage("user", "2+3*4?", Instant.parse("2026-12-06T18:29:59.500Z"), null, null),
                new Frames.HistoryMessage("assistant", "14", Instant.parse("2026-12-06T18:30:00Z"), null,
                        List.of(new Frames.ToolCard("calculate", "{\"expression\":\"2+3*4\"}", "ok", "14", 3))),
                new Frames.HistoryMessage("user", "And 2*3?", Instant.parse("2026-12-06T18:31:00Z"), null, null),
                new Frames.HistoryMessage("assistant", "It is", Instant.parse("2026-12-06T18:31:01.000000001Z"),
                        "interrupted", null)))));
        frames.put("deleted", new Frames.Deleted(CONVERSATION));
        frames.put("tool", new Frames.Tool("t1", "call_1", "calculate", "{\"expression\":\"2+3*4\"}"));
        frames.put("tool-result", new Frames.ToolResult("t1", "call_1", "calculate", "ok", "14", 3));
        frames.put("reminder", new Frames.Reminder(12, "call Mum", Instant.parse("2026-12-24T18:30:00Z")));

        JsonObject expected = vectors.getJsonObject("hostToPhone");
        assertEquals(expected.keySet(), frames.keySet(), "one record per vector, one vector per record");
        Set<Class<?>> written = new HashSet<>();
        frames.forEach((name, frame) -> {
            // Parsson writes a parsed object back compactly, in its order: the vector's exact text.
            assertEquals(expected.getJsonObject(name).toString(), Frames.write(frame), name);
            written.add(frame.getClass());
        });
        assertEquals(Set.of(Frames.ToPhone.class.getPermittedSubclasses()), written, "every host frame has a vector");
    }

    @Test
    void everyPhoneFrameBindsToItsRecord() {
        JsonObject sent = vectors.getJsonObject("phoneToHost");
        Map<String, Frames.FromPhone> expected = new LinkedHashMap<>();
        expected.put("hello", new Frames.Hello(1, HOST, PHONE, "ERERERERERERERERERERERERERERERERERERERERERE",
                "ABCD-EFGH", "Pixel"));
        expected.put("hello-known-phone", new Frames.Hello(1, HOST, PHONE,
                "ERERERERERERERERERERERERERERERERERERERERERE", null, null));
        expected.put("proof", new Frames.Proof(
                "NTS9rCHI_8J18T04y1wFDrgue_djHBHwcVEFbYfpT6omLmi-m2xIg5ghHHi6dmFba0AoGbmSgubLjWZBQAhfDA"));
        expected.put("chat-new-conversation", new Frames.Chat("t1", null, "Grüße 😀"));
        expected.put("chat", new Frames.Chat("t2", CONVERSATION.toString(), "And then?"));
        expected.put("stop", new Frames.Stop("t2"));
        expected.put("history-list", new Frames.HistoryRequest(null));
        expected.put("history-conversation", new Frames.HistoryRequest(CONVERSATION.toString()));
        expected.put("delete", new Frames.Delete(CONVERSATION.toString()));
        assertEquals(sent.keySet(), expected.keySet());

        Set<Class<?>> read = new HashSet<>();
        expected.forEach((name, frame) -> {
            Frames.Received received = Frames.read(sent.getJsonObject(name).toString());
            assertEquals(sent.getJsonObject(name).getString("type"), received.type(), name);
            assertEquals(frame, received.as(PHONE_TYPES.get(received.type())), name);
            read.add(frame.getClass());
        });
        assertEquals(Set.of(Frames.FromPhone.class.getPermittedSubclasses()), read, "every phone frame has a vector");

        Frames.Chat chat = Frames.read(sent.getJsonObject("chat").toString()).as(Frames.Chat.class);
        assertEquals(CONVERSATION, chat.conversationId());
        assertNull(Frames.read(sent.getJsonObject("chat-new-conversation").toString()).as(Frames.Chat.class)
                .conversationId());
        assertEquals(CONVERSATION, Frames.read(sent.getJsonObject("delete").toString()).as(Frames.Delete.class)
                .conversationId());
    }

    @Test
    void brokenPhoneMessagesAreMalformedWithAMessageThatSaysWhy() {
        for (JsonValue value : vectors.getJsonArray("refused")) {
            JsonObject vector = value.asJsonObject();
            String name = vector.getString("name");
            if (!"malformed".equals(vector.getString("code"))) {
                continue; // decided by the session (unknown-type): ChatServiceTest checks those
            }
            ProtocolException refused = assertThrows(ProtocolException.class, () -> {
                Frames.Received received = Frames.read(vector.getString("text"));
                Class<? extends Frames.FromPhone> kind = PHONE_TYPES.get(received.type());
                assertTrue(kind != null, name + ": a known type");
                received.as(kind);
            }, name);
            assertEquals("malformed", refused.code(), name);
            assertEquals(vector.getString("id", null), refused.turnId(), name);
            assertTrue(refused.getMessage() != null && !refused.getMessage().isBlank(), name);
        }
    }

    @Test
    void theMessageNamesTheWrongField() {
        assertEquals("A 'chat' message has a field of the wrong kind: Unable to deserialize property 'text' because "
                + "of: a string is expected, not a number", refusal("{\"type\":\"chat\",\"id\":\"t1\",\"text\":5}"));
        assertEquals("'text' must be a string.", refusal("{\"type\":\"chat\",\"id\":\"t1\"}"));
        assertEquals("'id' must have 1 to 64 characters.", refusal("{\"type\":\"chat\",\"id\":\"\",\"text\":\"hi\"}"));
        assertEquals("'conversation' must be a conversation id (a UUID).",
                refusal("{\"type\":\"history\",\"conversation\":\"nope\"}"));
        assertEquals("'conversation' is required.", refusal("{\"type\":\"delete\",\"conversation\":null}"));
        assertEquals("'v' must be an integer.", refusal("{\"type\":\"hello\",\"host\":\"h\",\"device\":\"d\","
                + "\"challenge\":\"c\"}"));
        assertEquals("A 'hello' message has a field of the wrong kind: Unable to deserialize property 'v' because "
                + "of: an integer is expected, not one this large", refusal("{\"type\":\"hello\",\"v\":4294967296,"
                + "\"host\":\"h\",\"device\":\"d\",\"challenge\":\"c\"}"));
        assertEquals("'type' must be a string.", refusal("{\"type\":null}"));
        assertEquals("A message must be a JSON object.", refusal("[]"));
    }

    @Test
    void fieldsAPhoneAddsAreIgnored() {
        assertEquals(new Frames.Stop("t1"), Frames.read("{\"type\":\"stop\",\"id\":\"t1\",\"later\":{\"a\":[1]}}")
                .as(Frames.Stop.class));
    }

    private static String refusal(String text) {
        return assertThrows(ProtocolException.class, () -> {
            Frames.Received received = Frames.read(text);
            received.as(PHONE_TYPES.get(received.type()));
        }).getMessage();
    }
}

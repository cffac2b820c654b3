package dev.persona.it;

import dev.persona.testkit.Directories;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona.testkit.JavaPhone.Received;
import dev.persona.testkit.JavaPhone.Turn;
import dev.persona.testkit.JavaPhone;
import dev.persona.testkit.PersonaHost;
import dev.persona.testkit.PersonaHost.PairingUrl;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Tools end to end: a Java phone asks, the model server (the {@link ToolCallingBackend} fixture, which makes the
 * tool calls a real tool-using model would) calls a tool, the real host runs the plugin in the persona's sandbox,
 * the phone sees the tool card messages, the result goes back to the model and the answer carries it. A reminder
 * set before a restart fires once after it and reaches the phone at its next connection.
 */
@Tag("loopback-network")
class ToolsIT {

    private static final Duration REPLY = Duration.ofSeconds(60);

    private static PersonaHost host;
    private static ToolCallingBackend backend;
    private static JavaPhone phone;

    @AfterAll
    static void stop() throws Exception {
        PersonaHost.tearDown(host).first(JavaPhone::disposeFactory).then(backend).run();
    }

    @Test
    void theModelCallsToolsAndARemindersFiresOnceAfterARestart() throws Exception {
        JavaPhone.requireLoopbackNetwork();
        backend = new ToolCallingBackend();
        host = new PersonaHost(Path.of("target/it-data/tools").toAbsolutePath())
                .with("PERSONA_LLAMA_BACKEND_URLS", backend.url());
        Directories.deleteRecursively(host.dataDirectory);
        PairingUrl url = host.start().pairingUrl();
        String hostId = url.hostId();
        phone = new JavaPhone(host, "tool-phone");
        phone.connect(hostId);
        assertEquals("admitted", phone.handshake(hostId, url.invite()).type());

        // A calculation: the card messages, the result back to the model, the answer with it.
        Turn calculation = ask("t-calc", "Please calculate 2+3*4.");
        Received call = only(calculation, "tool");
        assertEquals("calculate", call.message().getString("name"));
        assertEquals("{\"expression\":\"2+3*4\"}", call.message().getString("arguments"));
        Received result = only(calculation, "tool-result");
        assertEquals("ok", result.message().getString("outcome"), result.toString());
        assertEquals("14", result.message().getString("text"));
        assertEquals("The tool answered: 14", tokens(calculation));
        JsonObject second = backend.requests().get(1);
        JsonArray sent = second.getJsonArray("messages");
        JsonObject toolMessage = sent.getJsonObject(sent.size() - 1);
        assertEquals("tool", toolMessage.getString("role"));
        assertEquals("call-calculate", toolMessage.getString("tool_call_id"));
        assertEquals("14", toolMessage.getString("content"));
        assertEquals("calculate", sent.getJsonObject(sent.size() - 2).getJsonArray("tool_calls").getJsonObject(0)
                .getJsonObject("function").getString("name"));
        List<String> offered = backend.requests().get(0).getJsonArray("tools").stream()
                .map(tool -> tool.asJsonObject().getJsonObject("function").getString("name")).toList();
        assertTrue(offered.contains("write_file") && !offered.contains("system_info"),
                "files on, system-info off by default: " + offered);

        // A note saved to a file in the persona's own folder.
        Turn note = ask("t-note", "Save a note: milk and bread.");
        assertEquals("ok", only(note, "tool-result").message().getString("outcome"));
        Path personas = host.dataDirectory.resolve("personas");
        Path saved;
        try (Stream<Path> files = Files.walk(personas)) {
            saved = files.filter(p -> p.endsWith("notes/shopping.txt")).findFirst().orElseThrow();
        }
        assertEquals("milk and bread", Files.readString(saved));
        assertTrue(saved.startsWith(personas) && saved.getParent().getParent().getFileName().toString().equals("files"));

        // A way out of the folder is refused, and the refusal goes back to the model.
        Turn escape = ask("t-escape", "Try to escape and read the host key.");
        Received refused = only(escape, "tool-result");
        assertEquals("tool-error", refused.message().getString("outcome"), refused.toString());
        assertTrue(refused.message().getString("text").contains("leaves your folder"), refused.toString());
        assertTrue(tokens(escape).startsWith("The tool answered: error (tool-error): "), tokens(escape));

        // A reminder in a minute, then the host goes down before it is due and comes back after.
        Turn remind = ask("t-remind", "Please remind me to stretch.");
        Instant due = Instant.now().plusSeconds(60);
        Received set = only(remind, "tool-result");
        assertEquals("ok", set.message().getString("outcome"), set.toString());
        assertTrue(set.message().getString("text").startsWith("Reminder "), set.toString());
        Received listed = only(ask("t-list", "Please list my reminders."), "tool-result");
        assertTrue(listed.message().getString("text").matches("\\d+: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d stretch your legs"),
                listed.toString());
        Received notThere = only(ask("t-cancel", "Please cancel reminder 99."), "tool-result");
        assertEquals("tool-error", notThere.message().getString("outcome"));
        assertEquals("there is no waiting reminder 99", notThere.message().getString("text"));
        phone.disconnect();
        host.stop();
        assertEquals("PENDING", reminderState(), "not due while the host was down");
        long wait = Duration.between(Instant.now(), due).toMillis();
        if (wait > 0) {
            Thread.sleep(wait + 1000);
        }
        host.start();
        phone.connectAndAdmit(hostId);
        Received reminder = phone.expect("reminder", REPLY);
        assertEquals("stretch your legs", reminder.message().getString("text"));

        // Once only: at the next connection nothing comes again.
        phone.disconnect();
        phone.connectAndAdmit(hostId);
        phone.send("{\"type\":\"history\"}");
        assertEquals("history", phone.next(REPLY).type(), "no second reminder before the history answer");
        phone.disconnect();
        host.stop();
        assertEquals("DELIVERED", reminderState());
        assertEquals(List.of("calculate ok", "write_file ok", "read_file tool-error", "create_reminder ok",
                "list_reminders ok", "cancel_reminder tool-error"), recordedCalls(),
                "every call is recorded for the console");
        host = null;
    }

    private static Turn ask(String id, String text) throws Exception {
        phone.chat(id, null, text);
        phone.expect("accepted", REPLY);
        Turn turn = phone.turnUntilEnd(id, REPLY);
        assertEquals("done", turn.last().type(), turn.messages().toString());
        return turn;
    }

    private static Received only(Turn turn, String type) {
        List<Received> found = turn.ofType(type);
        assertEquals(1, found.size(), type + " in " + turn.messages());
        return found.get(0);
    }

    private static String tokens(Turn turn) {
        return turn.ofType("token").stream().map(m -> m.message().getString("text")).collect(Collectors.joining());
    }

    private static List<String> recordedCalls() throws Exception {
        try (Connection connection = host.openDatabase();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select tool, outcome, duration_micros from tool_call order by called_at")) {
            List<String> calls = new ArrayList<>();
            while (rows.next()) {
                assertTrue(rows.getLong(3) > 0, "a duration is recorded");
                calls.add(rows.getString(1) + " " + rows.getString(2));
            }
            return calls;
        }
    }

    private static String reminderState() throws Exception {
        try (Connection connection = host.openDatabase();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select state from reminder")) {
            assertTrue(rows.next(), "one reminder is stored");
            String state = rows.getString(1);
            assertTrue(!rows.next(), "only one reminder");
            return state;
        }
    }
}

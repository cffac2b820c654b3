package dev.persona.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every function of the bundled plugins, called through Chicory the way the tool loop calls them. */
class BundledPluginsTest {

    private static PluginCatalog catalog;
    private static ScheduledExecutorService executor;
    private static PluginRunner runner;

    @TempDir
    Path folder;

    @BeforeAll
    static void load() {
        catalog = PluginCatalog.bundled();
        executor = Executors.newSingleThreadScheduledExecutor();
        runner = new PluginRunner(executor, PluginLimits.DEFAULT);
    }

    @AfterAll
    static void stop() {
        executor.shutdownNow();
    }

    private PluginResult call(String tool, String json) throws InvalidToolCallException {
        return call(tool, json, Map.of());
    }

    private PluginResult call(String tool, String json, Map<String, String> environment) throws InvalidToolCallException {
        return runner.run(catalog.call(tool, json, folder, environment));
    }

    @Test
    void declaresTheToolsOfEveryPlugin() {
        List<String> names = catalog.tools().stream().map(ToolDeclaration::name).toList();
        assertEquals(List.of("calculate", "list_files", "read_file", "write_file", "append_file", "delete_file",
                "system_info", "create_reminder", "list_reminders", "cancel_reminder"), names);
    }

    @Test
    void calculatorEvaluatesExpressions() throws Exception {
        assertEquals("14", call("calculate", "{\"expression\":\"2 + 3 * 4\"}").text());
        assertEquals("2500", call("calculate", "{\"expression\":\"(12.5 * 4) ^ 2\"}").text());
        assertEquals("3.5", call("calculate", "{\"expression\":\"7/2\"}").text());
        assertEquals("4", call("calculate", "{\"expression\":\"sqrt(16)\"}").text());
        PluginResult zero = call("calculate", "{\"expression\":\"1 / 0\"}");
        assertEquals(PluginOutcome.TOOL_ERROR, zero.outcome());
        assertEquals("division by zero at position 3 of the expression", zero.text());
        assertEquals(PluginOutcome.TOOL_ERROR, call("calculate", "{\"expression\":\"2 +\"}").outcome());
    }

    @Test
    void theDeepestExpressionTheCalculatorTakesFitsItsStackAndADeeperOneIsRefused() throws Exception {
        // The modules run with a 64 KiB stack (plugins/rust/build.sh); the calculator allows 64 levels of nesting.
        String deepest = "-(".repeat(32) + "2" + ")".repeat(32);
        assertEquals("2", call("calculate", "{\"expression\":\"" + deepest + "\"}").text());
        String deepestPowers = "1^".repeat(64) + "1";
        assertEquals("1", call("calculate", "{\"expression\":\"" + deepestPowers + "\"}").text());
        PluginResult tooDeep = call("calculate", "{\"expression\":\"" + "(".repeat(200) + "1" + ")".repeat(200) + "\"}");
        assertEquals(PluginOutcome.TOOL_ERROR, tooDeep.outcome(), tooDeep.text());
        assertTrue(tooDeep.text().contains("nested too deeply"), tooDeep.text());
    }

    @Test
    void argumentsAreCheckedAgainstTheDeclaration() {
        assertTrue(assertThrows(InvalidToolCallException.class, () -> call("calculate", "{}")).getMessage()
                .contains("needs the parameter 'expression'"));
        assertTrue(assertThrows(InvalidToolCallException.class, () -> call("calculate", "{\"expr\":\"1\"}"))
                .getMessage().contains("has no parameter 'expr'"));
        assertTrue(assertThrows(InvalidToolCallException.class, () -> call("calculate", "[1]")).getMessage()
                .contains("must be a JSON object"));
        assertTrue(assertThrows(InvalidToolCallException.class, () -> call("calculate", "{\"expression\":"))
                .getMessage().contains("not JSON"));
        assertTrue(assertThrows(InvalidToolCallException.class, () -> call("format_disk", "{}")).getMessage()
                .contains("there is no tool 'format_disk'"));
    }

    @Test
    void filesWriteReadAppendListDelete() throws Exception {
        assertEquals("wrote 5 bytes to 'notes/todo.txt'",
                call("write_file", "{\"path\":\"notes/todo.txt\",\"content\":\"milk\\n\"}").text());
        assertEquals("milk\n", Files.readString(folder.resolve("notes/todo.txt")));
        assertEquals(PluginOutcome.OK, call("append_file", "{\"path\":\"notes/todo.txt\",\"content\":\"bread\\n\"}").outcome());
        assertEquals("milk\nbread\n", call("read_file", "{\"path\":\"notes/todo.txt\"}").text());
        assertEquals("notes/", call("list_files", "{}").text());
        assertEquals("todo.txt\t11 bytes", call("list_files", "{\"path\":\"notes\"}").text());
        assertEquals("deleted 'notes/todo.txt'", call("delete_file", "{\"path\":\"notes/todo.txt\"}").text());
        assertFalse(Files.exists(folder.resolve("notes/todo.txt")));
        PluginResult missing = call("read_file", "{\"path\":\"nothing.txt\"}");
        assertEquals(PluginOutcome.TOOL_ERROR, missing.outcome());
        assertEquals("cannot read 'nothing.txt': it does not exist", missing.text());
    }

    @Test
    void filesRefuseAbsoluteAndParentPathsWithAClearMessage() throws Exception {
        PluginResult absolute = call("read_file", "{\"path\":\"/etc/passwd\"}");
        assertEquals(PluginOutcome.TOOL_ERROR, absolute.outcome());
        assertEquals("'/etc/passwd' is absolute: paths are relative to your folder", absolute.text());
        PluginResult parent = call("write_file", "{\"path\":\"../outside.txt\",\"content\":\"x\"}");
        assertEquals("'../outside.txt' leaves your folder ('..')", parent.text());
        assertFalse(Files.exists(folder.resolveSibling("outside.txt")));
    }

    @Test
    void filesReadOneMebibyte() throws Exception {
        byte[] content = "0123456789abcdef".repeat(65536).getBytes(StandardCharsets.US_ASCII);
        Files.write(folder.resolve("big.txt"), content);
        PluginResult read = call("read_file", "{\"path\":\"big.txt\"}");
        assertEquals(PluginOutcome.OK, read.outcome());
        assertEquals(1 << 20, read.text().length());
    }

    @Test
    void systemInfoTellsOnlyWhatTheOwnerShares() throws Exception {
        Map<String, String> shared = Map.of("PERSONA_INFO_OS", "Linux", "PERSONA_INFO_MODEL", "persona-tiny");
        String all = call("system_info", "{}", shared).text();
        assertTrue(all.contains("model: persona-tiny\nos: Linux\nunix_time: "), all);
        assertEquals("os: Linux\nhostname: not shared by the owner",
                call("system_info", "{\"fields\":\"os, hostname\"}", shared).text());
    }

    @Test
    void schedulerTurnsRequestsIntoCheckedActions() throws Exception {
        long before = System.currentTimeMillis() / 1000;
        PluginResult created = call("create_reminder", "{\"text\":\"call \\\"Mum\\\"\",\"in_minutes\":10}");
        assertEquals(PluginOutcome.OK, created.outcome(), created.text());
        String text = created.text();
        long due = Long.parseLong(text.replaceAll(".*\"due\":(\\d+).*", "$1"));
        assertTrue(due >= before + 600 && due <= before + 660, text);
        assertTrue(text.endsWith(",\"text\":\"call \\\"Mum\\\"\"}"), text);
        PluginResult at = call("create_reminder", "{\"text\":\"x\",\"at\":\"2026-12-24 19:30\"}",
                Map.of("PERSONA_UTC_OFFSET_MINUTES", "60"));
        assertEquals("{\"action\":\"create\",\"due\":1798137000,\"text\":\"x\"}", at.text());
        assertEquals("{\"action\":\"list\"}", call("list_reminders", "{}").text());
        assertEquals("{\"action\":\"cancel\",\"id\":7}", call("cancel_reminder", "{\"id\":7}").text());
        assertEquals("that time is in the past", call("create_reminder", "{\"text\":\"x\",\"at\":\"2020-01-01T00:00Z\"}").text());
        assertEquals("give exactly one of 'in_minutes' or 'at'", call("create_reminder", "{\"text\":\"x\"}").text());
    }
}

package dev.persona.llama.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona.llama.BackendState;
import dev.persona.llama.BackendStatus;
import dev.persona.llama.ChatCompletion;
import dev.persona.llama.ChatMessage;
import dev.persona.llama.ChatRequest;
import dev.persona.llama.ChatStream;
import dev.persona.llama.LlamaConnection;
import dev.persona.llama.LlamaConnectionFactory;
import dev.persona.llama.LlamaException;
import dev.persona.llama.ToolCall;
import dev.persona.llama.ToolDefinition;
import dev.persona.llama.testing.RecordingListener;
import dev.persona.llama.testing.StandaloneLlamaServer;
import dev.persona.testkit.base.TestBootstrapContext;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A connection factory pointed at external servers: a llama-server this test starts, and one that is down. */
class ExternalBackendsConnectionTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path data;
    private static StandaloneLlamaServer server;
    private static TestBootstrapContext context;
    private static LlamaResourceAdapter adapter;

    @BeforeAll
    static void start() throws Exception {
        server = StandaloneLlamaServer.start("external-key", data.resolve("external.log"));
        context = new TestBootstrapContext();
        adapter = new LlamaResourceAdapter();
        adapter.setDataDirectory(data.resolve("llama").toString());
        adapter.start(context);
    }

    @AfterAll
    static void stop() throws Exception {
        if (adapter != null) {
            adapter.stop();
        }
        if (context != null) {
            context.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static LlamaConnectionFactory factory(String urls, String keys) {
        LlamaManagedConnectionFactory managedFactory = new LlamaManagedConnectionFactory();
        managedFactory.setResourceAdapter(adapter);
        managedFactory.setBackendUrls(urls);
        managedFactory.setBackendApiKeys(keys);
        return (LlamaConnectionFactory) managedFactory.createConnectionFactory();
    }

    /**
     * The real llama-server takes a request with tools, an assistant turn that called one and the tool's result (the
     * second round of a tool-call loop) and answers it. The tiny model's template has no tools, so it answers in
     * text; the streamed tool-call deltas are covered by ChatExchangeTest.
     */
    @Test
    void llamaServerAcceptsToolsToolCallsAndToolResults() throws Exception {
        LlamaConnectionFactory factory = factory(server.url().toString(), server.apiKey());
        ChatRequest request = ChatRequest.of(List.of(ChatMessage.user("what is 2+3?"),
                        ChatMessage.assistant("", List.of(new ToolCall("call-1", "calculate", "{\"expression\":\"2+3\"}"))),
                        ChatMessage.tool("call-1", "5")))
                .withTools(List.of(new ToolDefinition("calculate", "Evaluate an arithmetic expression.",
                        "{\"type\":\"object\",\"properties\":{\"expression\":{\"type\":\"string\"}},"
                                + "\"required\":[\"expression\"]}")), "auto")
                .withMaxTokens(8).withIgnoreEos(true).withTemperature(0.0);
        try (LlamaConnection connection = factory.getConnection()) {
            RecordingListener listener = new RecordingListener();
            connection.streamChat(request, listener);
            ChatCompletion completion = listener.awaitCompletion(WAIT);
            assertEquals(8, completion.usage().completionTokens());
            assertEquals(List.of(), completion.toolCalls());
            assertFalse(connection.props().get(0).chatTemplateSupportsTools(), "Phi-3's template has no tools");
        }
    }

    @Test
    void requestSkipsTheServerThatIsDownAndIsAnsweredByTheOther() throws Exception {
        String down = "http://127.0.0.1:" + StandaloneLlamaServer.freePort();
        LlamaConnectionFactory factory = factory(down + "," + server.url(), "unused," + server.apiKey());
        try (LlamaConnection connection = factory.getConnection()) {
            RecordingListener listener = new RecordingListener();
            ChatStream stream = connection.streamChat(ChatRequest.ofUserMessage("hello").withMaxTokens(12)
                    .withIgnoreEos(true), listener);
            ChatCompletion completion = listener.awaitCompletion(WAIT);

            assertEquals(12, completion.usage().completionTokens());
            assertEquals(server.url().toString(), completion.backend());
            assertEquals(server.url().toString(), stream.backend());

            List<BackendStatus> backends = connection.backends();
            assertEquals(BackendState.FAILED, backends.get(0).state());
            assertTrue(backends.get(0).detail().startsWith(down + " cannot be reached:"), backends.get(0).detail());
            assertEquals(BackendState.READY, backends.get(1).state());

            assertEquals(2, connection.slots().size());
            assertTrue(connection.metrics().get(0).value("llamacpp:tokens_predicted_total").orElse(0) >= 12);
            assertEquals(2, connection.props().get(0).totalSlots());
        }
        LlamaException noPool = assertThrows(LlamaException.class, factory::poolSettings);
        assertTrue(noPool.getMessage().startsWith("This connection serves the external servers " + down + ","),
                noPool.getMessage());
    }

    @Test
    void concurrentRequestsSpreadOverTheServers() throws Exception {
        StandaloneLlamaServer second = StandaloneLlamaServer.start("second-key", data.resolve("second.log"));
        try (LlamaConnection connection = factory(server.url() + "," + second.url(),
                server.apiKey() + "," + second.apiKey()).getConnection()) {
            ChatRequest request = ChatRequest.ofUserMessage("hi").withMaxTokens(100).withIgnoreEos(true);
            RecordingListener a = new RecordingListener();
            RecordingListener b = new RecordingListener();
            ChatStream first = connection.streamChat(request, a);
            ChatStream other = connection.streamChat(request, b);

            assertEquals(server.url().toString(), first.backend());
            assertEquals(second.url().toString(), other.backend());
            a.awaitCompletion(WAIT);
            b.awaitCompletion(WAIT);
        } finally {
            second.close();
        }
    }

    @Test
    void wrongKeyFailsTheAnswerWithAHint() throws Exception {
        try (LlamaConnection connection = factory(server.url().toString(), "wrong").getConnection()) {
            RecordingListener listener = new RecordingListener();
            connection.streamChat(ChatRequest.ofUserMessage("hello"), listener);
            LlamaException error = listener.awaitError(WAIT);

            assertEquals(server.url() + " refused the request with HTTP 401 (check the API key configured for it):"
                    + " Invalid API Key", error.getMessage());
        }
    }

    @Test
    void misconfiguredFactoryNamesTheSetting() {
        LlamaException e = org.junit.jupiter.api.Assertions.assertThrows(LlamaException.class,
                () -> factory("gpu1:8080", "").getConnection());
        assertTrue(e.getMessage().startsWith("The llama connection factory is misconfigured: setting backendUrls"
                + " contains 'gpu1:8080'"), e.getMessage());
    }
}

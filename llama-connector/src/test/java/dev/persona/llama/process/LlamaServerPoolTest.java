package dev.persona.llama.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona.llama.BackendMetrics;
import dev.persona.llama.BackendState;
import dev.persona.llama.BackendStatus;
import dev.persona.llama.ChatCompletion;
import dev.persona.llama.ChatRequest;
import dev.persona.llama.ChatStream;
import dev.persona.llama.LlamaException;
import dev.persona.llama.ServerProperties;
import dev.persona.llama.SlotStatus;
import dev.persona.llama.backend.LlamaGateway;
import dev.persona.llama.http.LlamaServerClient;
import dev.persona.llama.testing.LlamaTestEnvironment;
import dev.persona.llama.testing.RecordingListener;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One real llama-server with two slots, serving the tiny model; the pool is driven without a container. */
class LlamaServerPoolTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path data;
    private static ExecutorService executor;
    private static LlamaServerPool pool;
    private static LlamaGateway gateway;

    @BeforeAll
    static void startPool() throws Exception {
        LlamaServerSettings settings = LlamaServerSettings.builder()
                .serverBinary(LlamaTestEnvironment.serverBinary().toString())
                .modelFile(LlamaTestEnvironment.tinyModel().toString())
                .contextSize(2048).parallelSlots(2).threads(2).portRange("39300-39319")
                .dataDirectory(data.toString()).build();
        executor = Executors.newCachedThreadPool();
        pool = new LlamaServerPool(settings, BackgroundTasks.using(executor), LlamaServerClient.newHttpClient());
        gateway = new LlamaGateway(pool);
        long start = System.nanoTime();
        pool.start();
        assertTrue(pool.awaitReady(WAIT), () -> "not ready: " + pool.unavailableReason());
        System.out.printf("pool start to ready: %.0f ms%n", (System.nanoTime() - start) / 1e6);
    }

    @AfterAll
    static void stopPool() {
        if (pool != null) {
            pool.stop();
        }
        executor.shutdownNow();
    }

    private static ChatRequest request(String text, int tokens) {
        return ChatRequest.ofUserMessage(text).withMaxTokens(tokens).withIgnoreEos(true).withTemperature(0.0);
    }

    @Test
    void streamsAnAnswerOfExactLengthDeterministically() throws Exception {
        RecordingListener first = new RecordingListener();
        ChatStream stream = gateway.streamChat(request("Tell me a story", 24), first);
        ChatCompletion completion = first.awaitCompletion(WAIT);

        assertEquals(24, completion.usage().completionTokens());
        assertEquals(24, completion.timings().predictedTokens());
        assertEquals("length", completion.finishReason());
        assertEquals(String.join("", first.tokens()), completion.content());
        assertFalse(first.tokens().isEmpty());
        assertTrue(stream.isDone());
        assertEquals(completion, stream.completion().toCompletableFuture().get());
        assertTrue(stream.backend().startsWith("llama-server 1 (127.0.0.1:393"), stream.backend());
        assertFalse(first.tokensOverlapped(), "tokens of a stream come one at a time");

        RecordingListener second = new RecordingListener();
        gateway.streamChat(request("Tell me a story", 24), second);
        assertEquals(completion.content(), second.awaitCompletion(WAIT).content());
    }

    @Test
    void cancelFreesTheSlotSoAQueuedRequestStartsAtOnce() throws Exception {
        RecordingListener a = new RecordingListener();
        RecordingListener b = new RecordingListener();
        ChatStream streamA = gateway.streamChat(request("first", 1000), a);
        ChatStream streamB = gateway.streamChat(request("second", 1000), b);
        assertTrue(a.awaitTokens(3, WAIT) && b.awaitTokens(3, WAIT));

        RecordingListener queued = new RecordingListener();
        gateway.streamChat(request("third", 8), queued);
        Thread.sleep(300);
        assertEquals(0, queued.tokenCount(), "both slots are busy, so the third request waits");

        long cancelledAt = System.nanoTime();
        streamA.cancel();
        int tokensAtCancel = a.tokenCount();
        assertTrue(queued.awaitTokens(1, Duration.ofSeconds(2)), "the queued request did not start");
        double startMillis = (queued.firstTokenNanos() - cancelledAt) / 1e6;
        System.out.printf("cancel to first token of the queued request: %.1f ms%n", startMillis);
        assertTrue(startMillis < 1000, "took " + startMillis + " ms");

        queued.awaitCompletion(WAIT);
        streamB.cancel();
        assertTrue(a.tokenCount() <= tokensAtCancel + 1, "tokens after cancel: " + (a.tokenCount() - tokensAtCancel));
        assertFalse(a.isComplete() || a.hasError());
        ExecutionException cancelled = assertThrows(ExecutionException.class,
                () -> streamA.completion().toCompletableFuture().get());
        assertTrue(cancelled.getCause() instanceof CancellationException, cancelled.toString());
        awaitIdleSlots();
    }

    @Test
    void twoStreamsRunOnTwoSlotsAtOnce() throws Exception {
        RecordingListener a = new RecordingListener();
        RecordingListener b = new RecordingListener();
        gateway.streamChat(request("one", 400), a);
        gateway.streamChat(request("two", 400), b);
        assertTrue(a.awaitTokens(2, WAIT) && b.awaitTokens(2, WAIT));

        List<SlotStatus> slots = gateway.slots();
        ChatCompletion first = a.awaitCompletion(WAIT);
        ChatCompletion second = b.awaitCompletion(WAIT);

        assertEquals(2, slots.stream().filter(SlotStatus::processing).count(), "slots: " + slots);
        assertEquals(400, first.usage().completionTokens());
        assertEquals(400, second.usage().completionTokens());
        System.out.printf("two parallel streams: %.0f and %.0f tokens/s%n", first.timings().predictedPerSecond(),
                second.timings().predictedPerSecond());
        awaitIdleSlots();
    }

    @Test
    void statusCallsDescribeTheServer() throws Exception {
        BackendStatus status = gateway.backends().get(0);
        assertEquals(BackendState.READY, status.state());
        assertNotNull(status.pid());
        assertEquals(2, status.slots());
        assertEquals("persona-tiny", status.model().name());
        assertFalse(status.recentLog().isEmpty());

        List<SlotStatus> slots = gateway.slots();
        assertEquals(2, slots.size());
        assertEquals(1024, slots.get(0).contextSize());

        RecordingListener counted = new RecordingListener();
        gateway.streamChat(request("count me", 4), counted);
        counted.awaitCompletion(WAIT);
        BackendMetrics metrics = gateway.metrics().get(0);
        assertTrue(metrics.value("llamacpp:tokens_predicted_total").orElse(0) >= 4, metrics.values().toString());

        ServerProperties props = gateway.props().get(0);
        assertEquals(2, props.totalSlots());
        assertTrue(props.chatTemplate().contains("<|user|>"), props.chatTemplate());
        assertEquals(LlamaTestEnvironment.tinyModel().toString(), props.modelPath());
    }

    @Test
    void serverTakesNoRequestWithoutItsKeyAndTheKeyIsNotOnTheCommandLine() throws Exception {
        BackendStatus status = gateway.backends().get(0);
        String port = status.name().replaceAll(".*:(\\d+)\\)$", "$1");
        HttpClient plain = HttpClient.newHttpClient();
        HttpResponse<String> response = plain.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/slots")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, response.statusCode());

        List<String> arguments = List.of(ProcessHandle.of(status.pid()).orElseThrow().info().arguments()
                .orElseThrow());
        assertTrue(arguments.containsAll(List.of("--host", "127.0.0.1", "--jinja", "--metrics")), arguments::toString);
        assertFalse(arguments.stream().anyMatch(argument -> argument.startsWith("--api-key")), arguments::toString);
        assertTrue(PidFile.read(PidFile.path(data, 1)).matches(ProcessHandle.of(status.pid()).orElseThrow()),
                "the pid file would let the next start find this process");
    }

    @Test
    void promptLongerThanTheSlotIsRejectedWithTheServersReason() throws Exception {
        RecordingListener listener = new RecordingListener();
        gateway.streamChat(ChatRequest.ofUserMessage("hello ".repeat(1500)).withMaxTokens(4), listener);
        LlamaException error = listener.awaitError(WAIT);

        assertTrue(error.getMessage().contains("refused the request with HTTP 400"), error.getMessage());
        assertTrue(error.getMessage().contains("exceeds the available context size"), error.getMessage());
        assertEquals(0, gateway.backends().get(0).activeStreams());
    }

    /** Waits until llama-server reports no slot busy (a cancelled task takes a moment to be released). */
    private static void awaitIdleSlots() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (gateway.slots().stream().anyMatch(SlotStatus::processing)) {
            assertTrue(System.nanoTime() < deadline, "slots still busy: " + gateway.slots());
            Thread.sleep(10);
        }
    }
}

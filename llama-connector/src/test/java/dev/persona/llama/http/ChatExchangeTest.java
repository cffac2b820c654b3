package dev.persona.llama.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona.llama.ChatCompletion;
import dev.persona.llama.LlamaException;
import dev.persona.llama.ToolCall;

import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;

import org.junit.jupiter.api.Test;

/** The exchange fed with bytes as the HTTP client would deliver them, without a server. */
class ChatExchangeTest {

    private static final String BACKEND = "llama-server 1 (127.0.0.1:1)";

    private final List<String> tokens = new ArrayList<>();
    private ChatCompletion completion;
    private LlamaException error;
    private ChatExchange.Failure failure;
    private final FakeSubscription subscription = new FakeSubscription();

    private final ChatExchange exchange = new ChatExchange(BACKEND, new ChatExchange.Listener() {
        @Override
        public void onToken(String text) {
            tokens.add(text);
        }

        @Override
        public void onComplete(ChatCompletion result) {
            completion = result;
        }

        @Override
        public void onFailure(LlamaException failed, ChatExchange.Failure kind) {
            error = failed;
            failure = kind;
        }
    });

    private static final class FakeSubscription implements Flow.Subscription {
        long requested;
        boolean cancelled;

        @Override
        public void request(long n) {
            requested += n;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    private HttpResponse.BodySubscriber<Void> respond(int status, String contentType) {
        HttpResponse.BodySubscriber<Void> subscriber = exchange.apply(new HttpResponse.ResponseInfo() {
            @Override
            public int statusCode() {
                return status;
            }

            @Override
            public HttpHeaders headers() {
                return HttpHeaders.of(Map.of("Content-Type", List.of(contentType)), (name, value) -> true);
            }

            @Override
            public HttpClient.Version version() {
                return HttpClient.Version.HTTP_1_1;
            }
        });
        subscriber.onSubscribe(subscription);
        return subscriber;
    }

    private static List<ByteBuffer> bytes(String text) {
        return List.of(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String chunk(String content, String finishReason) {
        String delta = content == null ? "{}" : "{\"content\":\"" + content + "\"}";
        String reason = finishReason == null ? "null" : "\"" + finishReason + "\"";
        return "data: {\"choices\":[{\"finish_reason\":" + reason + ",\"index\":0,\"delta\":" + delta + "}],"
                + "\"object\":\"chat.completion.chunk\"}\n\n";
    }

    private static final String ROLE_CHUNK = "data: {\"choices\":[{\"finish_reason\":null,\"index\":0,"
            + "\"delta\":{\"role\":\"assistant\",\"content\":null}}]}\n\n";
    private static final String USAGE_CHUNK = "data: {\"choices\":[],\"usage\":{\"completion_tokens\":2,"
            + "\"prompt_tokens\":14,\"total_tokens\":16},\"timings\":{\"cache_n\":3,\"prompt_n\":11,"
            + "\"prompt_ms\":15.5,\"predicted_n\":2,\"predicted_ms\":4.0}}\n\n";

    @Test
    void deliversTokensThenTheCompletionWithUsageAndTimings() {
        HttpResponse.BodySubscriber<Void> body = respond(200, "text/event-stream");
        body.onNext(bytes(ROLE_CHUNK + chunk(" Hel", null)));
        body.onNext(bytes(chunk("lo", null) + chunk(null, "length") + USAGE_CHUNK + "data: [DONE]\n\n"));

        assertEquals(List.of(" Hel", "lo"), tokens);
        assertNull(error);
        assertEquals(" Hello", completion.content());
        assertEquals("length", completion.finishReason());
        assertEquals(14, completion.usage().promptTokens());
        assertEquals(2, completion.usage().completionTokens());
        assertEquals(11, completion.timings().promptTokens());
        assertEquals(3, completion.timings().cachedTokens());
        assertEquals(500.0, completion.timings().predictedPerSecond(), 1e-9);
        assertEquals(BACKEND, completion.backend());
    }

    @Test
    void collectsStreamedToolCallsAsLlamaServerSendsThem() {
        HttpResponse.BodySubscriber<Void> body = respond(200, "text/event-stream");
        String first = "data: {\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                + "\"id\":\"Xq1\",\"type\":\"function\",\"function\":{\"name\":\"calculate\",\"arguments\":\"{\\\"expr\"}}]}}]}\n\n";
        String more = "data: {\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                + "\"function\":{\"arguments\":\"ession\\\":\\\"2+3\\\"}\"}}]}}]}\n\n";
        String second = "data: {\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,"
                + "\"id\":\"Xq2\",\"type\":\"function\",\"function\":{\"name\":\"list_files\",\"arguments\":\"{}\"}}]}}]}\n\n";
        body.onNext(bytes(ROLE_CHUNK + first + more));
        body.onNext(bytes(second + chunk(null, "tool_calls") + USAGE_CHUNK + "data: [DONE]\n\n"));

        assertNull(error);
        assertEquals(List.of(), tokens);
        assertEquals("tool_calls", completion.finishReason());
        assertEquals(List.of(new ToolCall("Xq1", "calculate", "{\"expression\":\"2+3\"}"),
                new ToolCall("Xq2", "list_files", "{}")), completion.toolCalls());
    }

    @Test
    void readsTheRestOfTheBodyAfterDoneSoTheConnectionCanBeReused() {
        HttpResponse.BodySubscriber<Void> body = respond(200, "text/event-stream");
        body.onNext(bytes(chunk("a", "stop") + "data: [DONE]\n\n"));
        long requestedAtDone = subscription.requested;
        body.onNext(bytes("\n"));
        body.onComplete();

        assertFalse(subscription.cancelled);
        assertTrue(subscription.requested > requestedAtDone);
        assertTrue(body.getBody().toCompletableFuture().isDone());
    }

    @Test
    void requestsOneBufferAtATime() {
        HttpResponse.BodySubscriber<Void> body = respond(200, "text/event-stream");
        assertEquals(1, subscription.requested);
        body.onNext(bytes(chunk("a", null)));
        assertEquals(2, subscription.requested);
    }

    @Test
    void errorEventAfterTokensBreaksTheAnswer() {
        HttpResponse.BodySubscriber<Void> body = respond(200, "text/event-stream");
        body.onNext(bytes(chunk("a", null) + "data: {\"error\":{\"code\":500,\"message\":\"out of memory\"}}\n\n"));

        assertEquals(ChatExchange.Failure.BROKEN, failure);
        assertTrue(error.getMessage().contains("out of memory"), error.getMessage());
        assertTrue(error.getMessage().contains(BACKEND), error.getMessage());
        assertTrue(subscription.cancelled);
    }

    @Test
    void streamEndingAfterTheFinishReasonWithoutDoneStillCompletes() {
        HttpResponse.BodySubscriber<Void> body = respond(200, "text/event-stream");
        body.onNext(bytes(chunk("a", null) + chunk(null, "stop")));
        body.onComplete();

        assertNull(error);
        assertEquals("a", completion.content());
    }

    @Test
    void streamEndingEarlyIsABrokenAnswer() {
        HttpResponse.BodySubscriber<Void> body = respond(200, "text/event-stream");
        body.onNext(bytes(chunk("a", null) + chunk("b", null)));
        body.onComplete();

        assertNull(completion);
        assertEquals(ChatExchange.Failure.BROKEN, failure);
        assertTrue(error.getMessage().contains("after 2 tokens"), error.getMessage());
    }

    @Test
    void brokenConnectionNamesTheBackendAndTheTokensReceived() {
        HttpResponse.BodySubscriber<Void> body = respond(200, "text/event-stream");
        body.onNext(bytes(chunk("a", null)));
        body.onError(new java.io.EOFException("EOF reached while reading"));

        assertEquals(ChatExchange.Failure.BROKEN, failure);
        assertEquals(BACKEND + " stopped answering after 1 tokens: EOF reached while reading (EOFException)."
                + " If its process died, the pool restarts it.", error.getMessage());
    }

    @Test
    void badRequestIsRejectedWithTheServersMessage() {
        HttpResponse.BodySubscriber<Void> body = respond(400, "application/json");
        body.onNext(bytes("{\"error\":{\"code\":400,\"message\":\"request (1511 tokens) exceeds the available"
                + " context size (1024 tokens), try increasing it\",\"type\":\"exceed_context_size_error\"}}"));
        body.onComplete();

        assertEquals(ChatExchange.Failure.REJECTED, failure);
        assertEquals(BACKEND + " refused the request with HTTP 400: request (1511 tokens) exceeds the available"
                + " context size (1024 tokens), try increasing it", error.getMessage());
    }

    @Test
    void wrongApiKeyIsAServerProblemWithAHint() {
        HttpResponse.BodySubscriber<Void> body = respond(401, "application/json");
        body.onNext(bytes("{\"error\":{\"message\":\"Invalid API Key\",\"type\":\"authentication_error\"}}"));
        body.onComplete();

        assertEquals(ChatExchange.Failure.UNAVAILABLE, failure);
        assertTrue(error.getMessage().contains("HTTP 401 (check the API key configured for it): Invalid API Key"),
                error.getMessage());
    }

    @Test
    void loadingServerIsUnavailable() {
        HttpResponse.BodySubscriber<Void> body = respond(503, "text/plain");
        body.onNext(bytes("Loading model"));
        body.onComplete();

        assertEquals(ChatExchange.Failure.UNAVAILABLE, failure);
        assertTrue(error.getMessage().endsWith("(it is still loading the model or overloaded): Loading model"),
                error.getMessage());
    }

    @Test
    void answerWithoutEventStreamIsRefused() {
        HttpResponse.BodySubscriber<Void> body = respond(200, "application/json");
        body.onNext(bytes("{\"choices\":[]}"));
        body.onComplete();

        assertEquals(ChatExchange.Failure.UNAVAILABLE, failure);
        assertTrue(error.getMessage().contains("answered without an event stream"), error.getMessage());
    }

    @Test
    void keepsOnlyTheStartOfAHugeErrorBody() {
        HttpResponse.BodySubscriber<Void> body = respond(500, "text/plain");
        byte[] huge = new byte[1 << 20];
        java.util.Arrays.fill(huge, (byte) 'x');
        body.onNext(List.of(ByteBuffer.wrap(huge)));
        body.onComplete();

        assertTrue(error.getMessage().length() < 1000, "message length " + error.getMessage().length());
    }

    @Test
    void eventThatIsNotJsonBreaksTheAnswer() {
        HttpResponse.BodySubscriber<Void> body = respond(200, "text/event-stream");
        body.onNext(bytes("data: {not json\n\n"));

        assertEquals(ChatExchange.Failure.BROKEN, failure);
        assertTrue(error.getMessage().contains("not JSON"), error.getMessage());
    }

    @Test
    void cancelStopsDeliveryAndClosesTheConnection() {
        HttpResponse.BodySubscriber<Void> body = respond(200, "text/event-stream");
        body.onNext(bytes(chunk("a", null)));

        assertTrue(exchange.cancel());
        assertFalse(exchange.cancel());
        body.onNext(bytes(chunk("b", null) + chunk(null, "stop") + "data: [DONE]\n\n"));
        body.onComplete();

        assertTrue(subscription.cancelled);
        assertEquals(List.of("a"), tokens);
        assertNull(completion);
        assertNull(error);
    }

    @Test
    void cancelBeforeTheResponseCancelsTheSubscriptionWhenItComes() {
        assertTrue(exchange.cancel());
        respond(200, "text/event-stream");

        assertTrue(subscription.cancelled);
        assertEquals(0, subscription.requested);
    }
}

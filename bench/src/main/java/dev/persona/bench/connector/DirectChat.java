package dev.persona.bench.connector;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * The baseline: what an application would write without the connector. A {@link HttpClient} configured as the
 * connector configures its own (HTTP/1.1, callbacks on the network thread), a line subscriber that reads the event
 * stream of {@code /v1/chat/completions} and takes each chunk's text with JSON-P, nothing else: no routing, no
 * retries, no state.
 */
final class DirectChat {

    private static final JsonProvider JSON = JsonProvider.provider();

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(Runnable::run)
            .build();
    private final URI url;
    private final String apiKey;

    DirectChat(int port, String apiKey) {
        this.url = URI.create("http://127.0.0.1:" + port + "/v1/chat/completions");
        this.apiKey = apiKey;
    }

    /** The body the connector sends for the same request (its ChatRequestBody, field for field). */
    static String body(String userText, int maxTokens) {
        return JSON.createObjectBuilder()
                .add("messages", JSON.createArrayBuilder().add(JSON.createObjectBuilder()
                        .add("role", "user").add("content", userText)))
                .add("stream", true)
                .add("stream_options", JSON.createObjectBuilder().add("include_usage", true))
                .add("max_tokens", maxTokens)
                .add("temperature", 0.0)
                .add("ignore_eos", true)
                .build().toString();
    }

    /**
     * Sends the request; {@code stream} gets the tokens and the end. A connection that llama-server closed before
     * answering (a kept-alive one it dropped) is tried once more, as the connector does: a client of llama-server
     * needs that, and the time it costs counts.
     */
    void send(String body, Stream stream) {
        send(body, stream, true);
    }

    private void send(String body, Stream stream, boolean mayRetry) {
        HttpRequest request = HttpRequest.newBuilder(url)
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + apiKey)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        CompletableFuture<HttpResponse<Void>> response = http.sendAsync(request,
                HttpResponse.BodyHandlers.fromLineSubscriber(stream));
        stream.response = response;
        response.whenComplete((answer, error) -> {
            if (error != null) {
                if (mayRetry && stream.subscription == null && !stream.done.isDone()) {
                    stream.retried = true;
                    send(body, stream, false);
                } else {
                    stream.done.completeExceptionally(error);
                }
            } else if (answer.statusCode() != 200) {
                stream.done.completeExceptionally(new IllegalStateException("HTTP " + answer.statusCode()));
            }
        });
    }

    /** One streamed answer, read line by line. */
    static class Stream implements Flow.Subscriber<String> {

        final long startNanos = System.nanoTime();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final StringBuilder content = new StringBuilder();
        volatile long firstTokenNanos;
        volatile long endNanos;
        volatile int tokens;
        volatile int completionTokens = -1;
        volatile double predictedMillis = Double.NaN;
        /** Whether the request had to be sent again. */
        volatile boolean retried;
        private volatile Flow.Subscription subscription;
        private volatile CompletableFuture<?> response;

        @Override
        public void onSubscribe(Flow.Subscription newSubscription) {
            subscription = newSubscription;
            newSubscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (!line.startsWith("data: ")) {
                return;
            }
            String data = line.substring(6);
            if (data.equals("[DONE]")) {
                endNanos = System.nanoTime();
                done.complete(null);
                return;
            }
            JsonObject chunk = JSON.createReader(new StringReader(data)).readObject();
            if (chunk.get("choices") instanceof JsonArray choices && !choices.isEmpty()
                    && choices.get(0) instanceof JsonObject choice
                    && choice.get("delta") instanceof JsonObject delta
                    && delta.get("content") instanceof JsonString text && !text.getString().isEmpty()) {
                if (tokens == 0) {
                    firstTokenNanos = System.nanoTime();
                }
                tokens++;
                content.append(text.getString());
                onToken();
            }
            JsonValue usage = chunk.get("usage");
            if (usage instanceof JsonObject counts && counts.get("completion_tokens") instanceof JsonNumber n) {
                completionTokens = n.intValue();
            }
            if (chunk.get("timings") instanceof JsonObject timings
                    && timings.get("predicted_ms") instanceof JsonNumber millis) {
                predictedMillis = millis.doubleValue();
            }
        }

        /** Called after each token; for subclasses. */
        void onToken() {
        }

        @Override
        public void onError(Throwable error) {
            done.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            if (!done.isDone()) {
                done.completeExceptionally(new IllegalStateException("the stream ended without [DONE]"));
            }
        }

        /** Closes the connection, as the connector's cancel does. */
        void cancel() {
            Flow.Subscription current = subscription;
            if (current != null) {
                current.cancel();
            }
            if (response != null) {
                response.cancel(true);
            }
        }
    }
}

package dev.persona.llama.http;

import dev.persona.llama.ChatCompletion;
import dev.persona.llama.GenerationTimings;
import dev.persona.llama.LlamaException;
import dev.persona.llama.TokenUsage;

import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One streamed {@code /v1/chat/completions} call: the HTTP response handler and body subscriber in one, which
 * parses the event stream as the bytes arrive and reports tokens and the outcome to its {@link Listener} in the
 * same thread. {@link #cancel()} cancels the body subscription or the pending request, which closes the
 * connection; llama-server then stops the task and frees the slot.
 */
public final class ChatExchange implements HttpResponse.BodyHandler<Void>, HttpResponse.BodySubscriber<Void> {

    /** How an exchange failed, which decides whether another backend may take the request. */
    public enum Failure {
        /** No answer started (no connection, or the server refused with a server-side status); safe to retry. */
        UNAVAILABLE,
        /**
         * The connection closed before any response, as a kept-alive connection the server closed at the same
         * moment does; safe to send again, even to the same server.
         */
        DROPPED,
        /** The server rejected the request itself (e.g. HTTP 400: prompt longer than the context). */
        REJECTED,
        /** The answer had started and broke off. */
        BROKEN
    }

    /** Receives what the exchange produces; exactly one of the last two is called, unless it is cancelled. */
    public interface Listener {

        void onToken(String text);

        void onComplete(ChatCompletion completion);

        void onFailure(LlamaException error, Failure failure);
    }

    /** Longest event-stream line accepted; a chunk carries one token, so this is generous. */
    private static final int MAX_LINE_BYTES = 4 << 20;
    /** How much of an error response body is kept for the message. */
    private static final int MAX_ERROR_BODY_BYTES = 16 << 10;

    private final String backend;
    private final Listener listener;
    private final SseParser parser = new SseParser(this::onEvent, MAX_LINE_BYTES);
    private final CompletableFuture<Void> body = new CompletableFuture<>();
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile Flow.Subscription subscription;
    private volatile CompletableFuture<?> pendingResponse;

    private int status;
    private ByteArrayOutputStream errorBody;
    private boolean draining;
    private final StringBuilder content = new StringBuilder();
    private final StreamedToolCalls toolCalls = new StreamedToolCalls();
    private int tokens;
    private String finishReason;
    private TokenUsage usage;
    private GenerationTimings timings;

    /**
     * @param backend  name of the server, for messages and the completion
     * @param listener receives tokens and the outcome
     */
    public ChatExchange(String backend, Listener listener) {
        this.backend = backend;
        this.listener = listener;
    }

    /**
     * Hands over the future of the request sent with this handler, so that failures without a response (no
     * connection) are reported and {@link #cancel()} can abort a request that has no response yet.
     */
    void attach(CompletableFuture<?> response) {
        pendingResponse = response;
        response.whenComplete((ignored, error) -> {
            if (error != null) {
                failWithoutResponse(error);
            }
        });
        if (finished.get() && !response.isDone()) {
            response.cancel(true);
        }
    }

    /**
     * Stops the exchange and closes its connection; no listener call starts afterwards.
     *
     * @return whether this call stopped it; {@code false} if it had already finished or been cancelled
     */
    public boolean cancel() {
        if (!finished.compareAndSet(false, true)) {
            return false;
        }
        Flow.Subscription current = subscription;
        if (current != null) {
            current.cancel();
        }
        CompletableFuture<?> response = pendingResponse;
        if (response != null) {
            response.cancel(true);
        }
        body.complete(null);
        return true;
    }

    @Override
    public HttpResponse.BodySubscriber<Void> apply(HttpResponse.ResponseInfo info) {
        status = info.statusCode();
        if (status != 200 || !isEventStream(info)) {
            errorBody = new ByteArrayOutputStream();
        }
        return this;
    }

    private static boolean isEventStream(HttpResponse.ResponseInfo info) {
        return info.headers().firstValue("Content-Type").map(type -> type.startsWith("text/event-stream"))
                .orElse(false);
    }

    @Override
    public CompletionStage<Void> getBody() {
        return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription newSubscription) {
        subscription = newSubscription;
        if (finished.get()) {
            newSubscription.cancel();
        } else {
            newSubscription.request(1);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (draining) {
            subscription.request(1);
            return;
        }
        if (finished.get()) {
            return;
        }
        try {
            for (ByteBuffer buffer : buffers) {
                if (errorBody != null) {
                    keepErrorBytes(buffer);
                } else {
                    parser.feed(buffer);
                }
            }
        } catch (IllegalStateException e) {
            fail(Failure.BROKEN, backend + " sent a malformed event stream: " + e.getMessage(), e);
        }
        if (!finished.get() || draining) {
            subscription.request(1);
        }
    }

    private void keepErrorBytes(ByteBuffer buffer) {
        int room = MAX_ERROR_BODY_BYTES - errorBody.size();
        int length = Math.min(room, buffer.remaining());
        if (length > 0) {
            byte[] bytes = new byte[length];
            buffer.get(bytes);
            errorBody.write(bytes, 0, length);
        }
        buffer.position(buffer.limit());
    }

    @Override
    public void onError(Throwable error) {
        body.complete(null);
        if (errorBody != null) {
            fail(Failure.UNAVAILABLE, backend + " answered HTTP " + status + " and then the connection broke: "
                    + describe(error), error);
        } else {
            fail(Failure.BROKEN, backend + " stopped answering after " + tokens + " tokens: " + describe(error)
                    + ". If its process died, the pool restarts it.", error);
        }
    }

    @Override
    public void onComplete() {
        body.complete(null);
        if (errorBody != null) {
            failWithStatus();
        } else if (finishReason != null) {
            complete();
        } else {
            fail(Failure.BROKEN, backend + " ended the stream after " + tokens + " tokens without finishing the"
                    + " answer. If its process died, the pool restarts it.", null);
        }
    }

    private void failWithStatus() {
        String text = errorBody.toString(StandardCharsets.UTF_8);
        String message = errorMessage(text);
        Failure failure = status == 400 || status == 413 || status == 422 ? Failure.REJECTED : Failure.UNAVAILABLE;
        String what = status == 200 ? " answered without an event stream" : " refused the request with HTTP " + status;
        String hint = switch (status) {
            case 401, 403 -> " (check the API key configured for it)";
            case 404 -> " (is it an OpenAI-compatible server? the connector calls /v1/chat/completions)";
            case 503 -> " (it is still loading the model or overloaded)";
            default -> "";
        };
        fail(failure, backend + what + hint + (message.isEmpty() ? "" : ": " + message), null);
    }

    /** The {@code error.message} of an OpenAI-style error body, else the body's start. */
    private static String errorMessage(String text) {
        try {
            if (Json.parse(text) instanceof JsonObject object) {
                JsonValue error = object.get("error");
                if (error instanceof JsonObject details && Json.string(details, "message") != null) {
                    return Json.string(details, "message");
                }
                if (Json.string(object, "error") != null) {
                    return Json.string(object, "error");
                }
            }
        } catch (JsonException e) {
            // not JSON: show the text itself
        }
        String trimmed = text.strip();
        return trimmed.length() > 300 ? trimmed.substring(0, 300) + "…" : trimmed;
    }

    private void onEvent(String type, String data) {
        if (finished.get()) {
            return;
        }
        if ("[DONE]".equals(data)) {
            draining = true;
            complete();
            return;
        }
        JsonObject chunk;
        try {
            if (!(Json.parse(data) instanceof JsonObject object)) {
                fail(Failure.BROKEN, backend + " sent an event that is not a JSON object: " + shorten(data), null);
                return;
            }
            chunk = object;
        } catch (JsonException e) {
            fail(Failure.BROKEN, backend + " sent an event that is not JSON: " + shorten(data), e);
            return;
        }
        if (chunk.containsKey("error") || "error".equals(type)) {
            fail(tokens == 0 ? Failure.UNAVAILABLE : Failure.BROKEN,
                    backend + " reported an error after " + tokens + " tokens: " + errorMessage(data), null);
            return;
        }
        readChoice(chunk);
        JsonObject usageObject = Json.object(chunk, "usage");
        if (usageObject != null) {
            usage = new TokenUsage(Json.integer(usageObject, "prompt_tokens", 0),
                    Json.integer(usageObject, "completion_tokens", 0));
        }
        JsonObject timingsObject = Json.object(chunk, "timings");
        if (timingsObject != null) {
            timings = new GenerationTimings(Json.integer(timingsObject, "cache_n", 0),
                    Json.integer(timingsObject, "prompt_n", 0), Json.number(timingsObject, "prompt_ms"),
                    Json.integer(timingsObject, "predicted_n", 0), Json.number(timingsObject, "predicted_ms"));
        }
    }

    private void readChoice(JsonObject chunk) {
        if (!(chunk.get("choices") instanceof JsonArray choices) || choices.isEmpty()
                || !(choices.get(0) instanceof JsonObject choice)) {
            return;
        }
        String reason = Json.string(choice, "finish_reason");
        if (reason != null) {
            finishReason = reason;
        }
        JsonObject delta = Json.object(choice, "delta");
        if (delta != null && delta.get("tool_calls") instanceof JsonArray calls) {
            toolCalls.add(calls);
        }
        String text = delta == null ? null : Json.string(delta, "content");
        if (text != null && !text.isEmpty()) {
            content.append(text);
            tokens++;
            listener.onToken(text);
        }
    }

    /**
     * Reports the answer. After {@code [DONE]} the rest of the body (the end of the chunked encoding) is still
     * read (draining), so that the connection goes back to the client's pool instead of being closed.
     */
    private void complete() {
        if (finished.compareAndSet(false, true)) {
            if (!draining) {
                cancelSubscription();
                body.complete(null);
            }
            listener.onComplete(new ChatCompletion(content.toString(), finishReason, usage, timings, backend,
                    toolCalls.calls()));
        }
    }

    private void failWithoutResponse(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof CancellationException) {
            return;
        }
        if (cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException) {
            fail(Failure.UNAVAILABLE, backend + " cannot be reached: " + describe(cause), cause);
        } else {
            fail(Failure.DROPPED, backend + " closed the connection before answering: " + describe(cause), cause);
        }
    }

    private void fail(Failure failure, String message, Throwable cause) {
        if (finished.compareAndSet(false, true)) {
            cancelSubscription();
            body.complete(null);
            listener.onFailure(new LlamaException(message, cause), failure);
        }
    }

    private void cancelSubscription() {
        Flow.Subscription current = subscription;
        if (current != null) {
            current.cancel();
        }
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        String kind = error.getClass().getSimpleName();
        return message == null || message.isBlank() ? kind : message + " (" + kind + ")";
    }

    private static String shorten(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }
}

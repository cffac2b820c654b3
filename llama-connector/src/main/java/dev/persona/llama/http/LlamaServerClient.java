package dev.persona.llama.http;

import dev.persona.llama.BackendMetrics;
import dev.persona.llama.ChatRequest;
import dev.persona.llama.LlamaException;
import dev.persona.llama.ServerProperties;
import dev.persona.llama.SlotStatus;

import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One OpenAI-compatible server (a llama-server of the pool or an external one) at a base URL, with its API key:
 * starts streamed chats and reads the llama-server status endpoints. The status endpoints are three plain GETs,
 * so they use the same {@link HttpClient} and JSON-P rather than the MicroProfile REST Client, which would need
 * JAX-RS and CDI from the container and could not be tested outside WildFly.
 */
public final class LlamaServerClient {

    /** Limit for the status calls; a healthy llama-server answers them in milliseconds. */
    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(5);

    private final String name;
    private final URI base;
    private final String apiKey;
    private final String model;
    private final HttpClient http;

    /**
     * @param name   the backend's name in messages and status, e.g. {@code llama-server 1 (127.0.0.1:39100)}
     * @param base   the server's root URL; a trailing {@code /v1} is dropped, since the paths include it
     * @param apiKey the bearer token it expects, or {@code null}
     * @param model  the model to name in chat requests that name none, or {@code null}
     * @param http   the client, built by {@link #newHttpClient()}
     */
    public LlamaServerClient(String name, URI base, String apiKey, String model, HttpClient http) {
        this.name = name;
        this.base = rootOf(base);
        this.apiKey = apiKey;
        this.model = model;
        this.http = http;
    }

    /**
     * An HTTP/1.1 client that runs its callbacks in its own network thread ({@code executor(Runnable::run)}):
     * the chat listener is called straight from the parser, with no thread switch per token.
     */
    public static HttpClient newHttpClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(Runnable::run)
                .build();
    }

    private static URI rootOf(URI url) {
        String text = url.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.endsWith("/v1")) {
            text = text.substring(0, text.length() - 3);
        }
        return URI.create(text + "/");
    }

    public String name() {
        return name;
    }

    /** The root URL the endpoint paths are resolved against. */
    URI base() {
        return base;
    }

    /** Sends the request; {@code exchange} receives the answer in the client's network thread. */
    public void streamChat(ChatRequest request, ChatExchange exchange) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve("v1/chat/completions"))
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(ChatRequestBody.json(request, model)));
        authorize(builder);
        exchange.attach(http.sendAsync(builder.build(), exchange));
    }

    /**
     * The status of {@code GET /health}: 200 when ready, 503 while loading the model.
     *
     * @throws IOException if the server cannot be reached
     */
    public int health(Duration timeout) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("health")).timeout(timeout).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The slots of the server, or empty if it has no {@code /slots} endpoint. */
    public Optional<List<SlotStatus>> slots() throws LlamaException {
        Optional<String> text = get("slots");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        List<SlotStatus> slots = new ArrayList<>();
        for (JsonValue value : parse(text.get(), "slots", JsonArray.class)) {
            if (value instanceof JsonObject slot) {
                slots.add(new SlotStatus(name, Json.integer(slot, "id", slots.size()), Json.integer(slot, "n_ctx", 0),
                        Json.bool(slot, "is_processing"), decodedTokens(slot)));
            }
        }
        return Optional.of(slots);
    }

    /** {@code next_token[0].n_decoded} of a slot, or 0 when it is missing. */
    private static int decodedTokens(JsonObject slot) {
        JsonValue next = slot.get("next_token");
        if (next instanceof JsonArray array && !array.isEmpty() && array.get(0) instanceof JsonObject first) {
            return Json.integer(first, "n_decoded", 0);
        }
        return 0;
    }

    /** The metrics of the server, or empty if it has no {@code /metrics} endpoint. */
    public Optional<BackendMetrics> metrics() throws LlamaException {
        return get("metrics").map(text -> new BackendMetrics(name, PrometheusText.parse(text)));
    }

    /** The properties of the server, or empty if it has no {@code /props} endpoint. */
    public Optional<ServerProperties> props() throws LlamaException {
        Optional<String> text = get("props");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        JsonObject props = parse(text.get(), "props", JsonObject.class);
        return Optional.of(new ServerProperties(name, Json.integer(props, "total_slots", 0),
                Json.string(props, "model_path"), Json.string(props, "chat_template"), props));
    }

    /** The body of {@code GET path}, or empty on 404 or 501 (the endpoint is absent or switched off). */
    private Optional<String> get(String path) throws LlamaException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path)).timeout(STATUS_TIMEOUT).GET();
        authorize(builder);
        HttpResponse<String> response;
        try {
            response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new LlamaException(name + " did not answer GET /" + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LlamaException("interrupted while waiting for GET /" + path + " of " + name, e);
        }
        int status = response.statusCode();
        if (status == 404 || status == 501) {
            return Optional.empty();
        }
        if (status != 200) {
            throw new LlamaException(name + " answered GET /" + path + " with HTTP " + status + ": "
                    + shorten(response.body()));
        }
        return Optional.of(response.body());
    }

    private <T extends JsonValue> T parse(String text, String path, Class<T> type) throws LlamaException {
        try {
            JsonValue value = Json.parse(text);
            if (type.isInstance(value)) {
                return type.cast(value);
            }
        } catch (JsonException e) {
            throw new LlamaException(name + " answered GET /" + path + " with invalid JSON: " + shorten(text), e);
        }
        throw new LlamaException(name + " answered GET /" + path + " with unexpected JSON: " + shorten(text));
    }

    private void authorize(HttpRequest.Builder builder) {
        if (apiKey != null) {
            builder.header("Authorization", "Bearer " + apiKey);
        }
    }

    private static String shorten(String text) {
        String trimmed = text.strip();
        return trimmed.length() > 300 ? trimmed.substring(0, 300) + "…" : trimmed;
    }

    @Override
    public String toString() {
        return name;
    }
}

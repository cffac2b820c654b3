package dev.persona.bench.chat;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;

/**
 * The baseline client: the chat request the host's connector sends for a phone's first turn (system prompt, the
 * question, {@code max_tokens}, streamed, usage included; the connector's ChatRequestBody field for field), sent
 * straight to the llama-server process the host runs. Its port and API key come from the process itself
 * ({@code --port} on its command line, {@code LLAMA_API_KEY} in its environment), which the machine's owner can read.
 */
public final class DirectLlama {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI url;
    private final String apiKey;
    private final String body;

    private DirectLlama(int port, String apiKey, String body) {
        this.url = URI.create("http://127.0.0.1:" + port + "/v1/chat/completions");
        this.apiKey = apiKey;
        this.body = body;
    }

    /**
     * The llama-server of the host whose data directory is {@code data}: its first process, whose pid file (a
     * properties file the connector writes) names its pid.
     */
    public static DirectLlama of(Path data, String systemPrompt, String question, int maxTokens) throws IOException {
        Path pidFile;
        try (Stream<Path> files = Files.list(data.resolve("llama"))) {
            pidFile = files.filter(f -> f.getFileName().toString().matches("llama-server-\\d+\\.pid")).sorted()
                    .findFirst().orElseThrow(() -> new IllegalStateException("no llama-server pid file in " + data));
        }
        Properties process = new Properties();
        try (Reader in = Files.newBufferedReader(pidFile)) {
            process.load(in);
        }
        String pid = process.getProperty("pid");
        List<String> command = List.of(new String(Files.readAllBytes(Path.of("/proc", pid, "cmdline")),
                StandardCharsets.UTF_8).split("\0"));
        int port = Integer.parseInt(command.get(command.indexOf("--port") + 1));
        String key = Stream.of(new String(Files.readAllBytes(Path.of("/proc", pid, "environ")),
                        StandardCharsets.UTF_8).split("\0")).filter(v -> v.startsWith("LLAMA_API_KEY="))
                .map(v -> v.substring("LLAMA_API_KEY=".length())).findFirst()
                .orElseThrow(() -> new IllegalStateException("llama-server " + pid + " has no LLAMA_API_KEY"));
        String body = Json.createObjectBuilder()
                .add("messages", Json.createArrayBuilder()
                        .add(Json.createObjectBuilder().add("role", "system").add("content", systemPrompt))
                        .add(Json.createObjectBuilder().add("role", "user").add("content", question)))
                .add("stream", true)
                .add("stream_options", Json.createObjectBuilder().add("include_usage", true))
                .add("max_tokens", maxTokens)
                .build().toString();
        return new DirectLlama(port, key, body);
    }

    /**
     * Sends the request and reads the streamed answer to its end. A kept-alive connection that llama-server closed
     * before answering is tried once more, as the connector does; the time that costs counts.
     */
    public ChatBenchmark.Answer answer() throws IOException, InterruptedException {
        long sent = System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(url)
                .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + apiKey).timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<Stream<String>> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofLines());
        } catch (IOException dropped) {
            response = http.send(request, HttpResponse.BodyHandlers.ofLines());
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("llama-server answered HTTP " + response.statusCode());
        }
        long first = 0;
        long last = 0;
        int completionTokens = -1;
        double serverTokensPerSecond = Double.NaN;
        try (Stream<String> lines = response.body()) {
            for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
                String line = it.next();
                if (!line.startsWith("data: ") || line.equals("data: [DONE]")) {
                    continue;
                }
                JsonObject chunk = Json.createReader(new StringReader(line.substring(6))).readObject();
                if (chunk.get("choices") instanceof JsonArray choices && !choices.isEmpty()
                        && choices.getJsonObject(0).get("delta") instanceof JsonObject delta
                        && delta.get("content") instanceof JsonString text && !text.getString().isEmpty()) {
                    last = System.nanoTime();
                    if (first == 0) {
                        first = last;
                    }
                }
                if (chunk.get("timings") instanceof JsonObject timings
                        && timings.get("predicted_per_second") instanceof JsonNumber speed) {
                    serverTokensPerSecond = speed.doubleValue();
                }
                if (chunk.get("usage") instanceof JsonObject usage
                        && usage.get("completion_tokens") instanceof JsonNumber n) {
                    completionTokens = n.intValue();
                }
            }
        }
        if (first == 0 || completionTokens < 2) {
            throw new IllegalStateException("llama-server streamed no answer (" + completionTokens + " tokens)");
        }
        return new ChatBenchmark.Answer(sent, first, last, completionTokens, System.nanoTime(),
                serverTokensPerSecond);
    }
}

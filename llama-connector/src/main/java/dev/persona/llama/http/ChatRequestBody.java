package dev.persona.llama.http;

import dev.persona.llama.ChatMessage;
import dev.persona.llama.ChatRequest;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;

/**
 * The JSON body of {@code POST /v1/chat/completions} for a streamed answer. It always asks for the usage in the
 * last chunk ({@code stream_options.include_usage}); llama-server adds its timings there.
 */
final class ChatRequestBody {

    private ChatRequestBody() {
    }

    /**
     * @param defaultModel the model to name when the request names none (external servers), or {@code null}
     */
    static String json(ChatRequest request, String defaultModel) {
        JsonArrayBuilder messages = Json.PROVIDER.createArrayBuilder();
        for (ChatMessage message : request.messages()) {
            messages.add(Json.PROVIDER.createObjectBuilder()
                    .add("role", message.role().wireName())
                    .add("content", message.content()));
        }
        JsonObjectBuilder body = Json.PROVIDER.createObjectBuilder()
                .add("messages", messages)
                .add("stream", true)
                .add("stream_options", Json.PROVIDER.createObjectBuilder().add("include_usage", true));
        String model = request.model() != null ? request.model() : defaultModel;
        if (model != null) {
            body.add("model", model);
        }
        if (request.maxTokens() != null) {
            body.add("max_tokens", request.maxTokens());
        }
        if (request.temperature() != null) {
            body.add("temperature", request.temperature());
        }
        if (request.topP() != null) {
            body.add("top_p", request.topP());
        }
        if (request.seed() != null) {
            body.add("seed", request.seed());
        }
        if (!request.stop().isEmpty()) {
            JsonArrayBuilder stop = Json.PROVIDER.createArrayBuilder();
            request.stop().forEach(stop::add);
            body.add("stop", stop);
        }
        if (request.ignoreEos()) {
            body.add("ignore_eos", true);
        }
        return body.build().toString();
    }
}

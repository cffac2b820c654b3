package dev.persona.llama.http;

import dev.persona.llama.ChatMessage;
import dev.persona.llama.ChatRequest;
import dev.persona.llama.ToolCall;
import dev.persona.llama.ToolDefinition;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;

/**
 * The JSON body of {@code POST /v1/chat/completions} for a streamed answer. It always asks for the usage in the
 * last chunk ({@code stream_options.include_usage}); llama-server adds its timings there. Tools, tool calls and tool
 * results are written in OpenAI's form ({@code tools}, {@code tool_choice}, {@code tool_calls},
 * {@code tool_call_id}).
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
            JsonObjectBuilder entry = Json.PROVIDER.createObjectBuilder()
                    .add("role", message.role().wireName())
                    .add("content", message.content());
            if (!message.toolCalls().isEmpty()) {
                JsonArrayBuilder calls = Json.PROVIDER.createArrayBuilder();
                for (ToolCall call : message.toolCalls()) {
                    calls.add(Json.PROVIDER.createObjectBuilder()
                            .add("id", call.id())
                            .add("type", "function")
                            .add("function", Json.PROVIDER.createObjectBuilder()
                                    .add("name", call.name())
                                    .add("arguments", call.arguments())));
                }
                entry.add("tool_calls", calls);
            }
            if (message.toolCallId() != null) {
                entry.add("tool_call_id", message.toolCallId());
            }
            messages.add(entry);
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
        if (!request.tools().isEmpty()) {
            JsonArrayBuilder tools = Json.PROVIDER.createArrayBuilder();
            for (ToolDefinition tool : request.tools()) {
                tools.add(Json.PROVIDER.createObjectBuilder()
                        .add("type", "function")
                        .add("function", Json.PROVIDER.createObjectBuilder()
                                .add("name", tool.name())
                                .add("description", tool.description())
                                .add("parameters", Json.parse(tool.parameters()))));
            }
            body.add("tools", tools);
        }
        if (request.toolChoice() != null) {
            body.add("tool_choice", request.toolChoice());
        }
        return body.build().toString();
    }
}

package dev.persona.llama;

import java.util.List;

/**
 * A chat completion to stream: the messages and the sampling settings. Unset ({@code null}) settings leave the
 * server's defaults. Start with {@link #of(List)} and refine with the {@code with…} methods.
 *
 * @param messages    the conversation so far, oldest first; not empty
 * @param maxTokens   most tokens to generate, or {@code null} for the server's limit (the slot's context)
 * @param temperature sampling temperature; 0 makes llama-server deterministic
 * @param topP        nucleus sampling threshold
 * @param seed        sampling seed
 * @param stop        strings that end the answer when generated
 * @param ignoreEos   keep generating past the end-of-sequence token (llama-server and vLLM; for tests and
 *                    benchmarks that need exact lengths)
 * @param model       model name for servers that host several (external backends); {@code null} for local ones
 * @param tools       tools the model may call (OpenAI {@code tools}; llama-server needs {@code --jinja}); empty: none
 * @param toolChoice  {@code auto}, {@code none} or {@code required}; {@code null}: the server's default ({@code auto})
 */
public record ChatRequest(List<ChatMessage> messages, Integer maxTokens, Double temperature, Double topP, Long seed,
                          List<String> stop, boolean ignoreEos, String model, List<ToolDefinition> tools,
                          String toolChoice) {

    public ChatRequest {
        messages = List.copyOf(messages);
        stop = stop == null ? List.of() : List.copyOf(stop);
        tools = tools == null ? List.of() : List.copyOf(tools);
        if (toolChoice != null && !List.of("auto", "none", "required").contains(toolChoice)) {
            throw new IllegalArgumentException("toolChoice must be auto, none or required, not " + toolChoice);
        }
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a chat request needs at least one message");
        }
        if (maxTokens != null && maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be at least 1, not " + maxTokens);
        }
        if (temperature != null && !(temperature >= 0)) {
            throw new IllegalArgumentException("temperature must be 0 or more, not " + temperature);
        }
        if (topP != null && !(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], not " + topP);
        }
    }

    /** A request with the server's default settings. */
    public static ChatRequest of(List<ChatMessage> messages) {
        return new ChatRequest(messages, null, null, null, null, List.of(), false, null, List.of(), null);
    }

    /** A request of one user message. */
    public static ChatRequest ofUserMessage(String text) {
        return of(List.of(ChatMessage.user(text)));
    }

    public ChatRequest withMaxTokens(Integer value) {
        return new ChatRequest(messages, value, temperature, topP, seed, stop, ignoreEos, model, tools, toolChoice);
    }

    public ChatRequest withTemperature(Double value) {
        return new ChatRequest(messages, maxTokens, value, topP, seed, stop, ignoreEos, model, tools, toolChoice);
    }

    public ChatRequest withTopP(Double value) {
        return new ChatRequest(messages, maxTokens, temperature, value, seed, stop, ignoreEos, model, tools, toolChoice);
    }

    public ChatRequest withSeed(Long value) {
        return new ChatRequest(messages, maxTokens, temperature, topP, value, stop, ignoreEos, model, tools, toolChoice);
    }

    public ChatRequest withStop(List<String> value) {
        return new ChatRequest(messages, maxTokens, temperature, topP, seed, value, ignoreEos, model, tools, toolChoice);
    }

    public ChatRequest withIgnoreEos(boolean value) {
        return new ChatRequest(messages, maxTokens, temperature, topP, seed, stop, value, model, tools, toolChoice);
    }

    public ChatRequest withModel(String value) {
        return new ChatRequest(messages, maxTokens, temperature, topP, seed, stop, ignoreEos, value, tools, toolChoice);
    }

    public ChatRequest withTools(List<ToolDefinition> value, String choice) {
        return new ChatRequest(messages, maxTokens, temperature, topP, seed, stop, ignoreEos, model, value, choice);
    }

    /** The same settings with other messages (the next round of a tool-call loop). */
    public ChatRequest withMessages(List<ChatMessage> value) {
        return new ChatRequest(value, maxTokens, temperature, topP, seed, stop, ignoreEos, model, tools, toolChoice);
    }

    /** Leaves the message texts out, so that logging a request never logs what a user wrote. */
    @Override
    public String toString() {
        return "ChatRequest[" + messages.size() + " messages, maxTokens=" + maxTokens + ", temperature="
                + temperature + (model != null ? ", model=" + model : "") + (tools.isEmpty() ? "" : ", " + tools.size() + " tools")
                + "]";
    }
}

package dev.persona.llama.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.persona.llama.ChatMessage;
import dev.persona.llama.ChatRequest;
import dev.persona.llama.ToolCall;
import dev.persona.llama.ToolDefinition;

import java.util.List;

import org.junit.jupiter.api.Test;

class ChatRequestBodyTest {

    @Test
    void defaultRequestAsksForAStreamWithUsage() {
        assertEquals("{\"messages\":[{\"role\":\"user\",\"content\":\"hi \\\"there\\\"\"}],\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true}}",
                ChatRequestBody.json(ChatRequest.ofUserMessage("hi \"there\""), null));
    }

    @Test
    void carriesEverySetting() {
        ChatRequest request = ChatRequest.of(List.of(ChatMessage.system("be brief"), ChatMessage.user("hi"),
                        ChatMessage.assistant("hello")))
                .withMaxTokens(16).withTemperature(0.0).withTopP(0.9).withSeed(7L).withStop(List.of("\n\n"))
                .withIgnoreEos(true);
        assertEquals("{\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\","
                + "\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"}],\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"model\":\"qwen\",\"max_tokens\":16,"
                + "\"temperature\":0.0,\"top_p\":0.9,\"seed\":7,\"stop\":[\"\\n\\n\"],\"ignore_eos\":true}",
                ChatRequestBody.json(request, "qwen"));
    }

    @Test
    void requestModelWinsOverTheDefault() {
        assertEquals("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"model\":\"mine\"}",
                ChatRequestBody.json(ChatRequest.ofUserMessage("x").withModel("mine"), "default"));
    }

    @Test
    void carriesToolsToolCallsAndToolResults() {
        ChatRequest request = ChatRequest.of(List.of(ChatMessage.user("2+3?"),
                        ChatMessage.assistant("", List.of(new ToolCall("c1", "calculate", "{\"expression\":\"2+3\"}"))),
                        ChatMessage.tool("c1", "5")))
                .withTools(List.of(new ToolDefinition("calculate", "Evaluate",
                        "{\"type\":\"object\",\"properties\":{\"expression\":{\"type\":\"string\"}}}")), "auto");
        assertEquals("{\"messages\":[{\"role\":\"user\",\"content\":\"2+3?\"},{\"role\":\"assistant\",\"content\":\"\","
                + "\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"calculate\","
                + "\"arguments\":\"{\\\"expression\\\":\\\"2+3\\\"}\"}}]},{\"role\":\"tool\",\"content\":\"5\","
                + "\"tool_call_id\":\"c1\"}],\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"calculate\",\"description\":\"Evaluate\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{\"expression\":{\"type\":\"string\"}}}}}],"
                + "\"tool_choice\":\"auto\"}",
                ChatRequestBody.json(request, null));
    }
}

package dev.persona.llama.http;

import dev.persona.llama.ToolCall;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tool calls as a stream brings them: {@code delta.tool_calls} pieces, each with the call's {@code index}, the
 * first piece with its {@code id} and {@code function.name}, the arguments' JSON text spread over later pieces.
 */
final class StreamedToolCalls {

    private static final class Call {
        String id;
        String name = "";
        final StringBuilder arguments = new StringBuilder();
    }

    private final Map<Integer, Call> calls = new TreeMap<>();

    void add(JsonArray pieces) {
        for (JsonValue value : pieces) {
            if (!(value instanceof JsonObject piece)) {
                continue;
            }
            Call call = calls.computeIfAbsent(Json.integer(piece, "index", calls.size()), index -> new Call());
            String id = Json.string(piece, "id");
            if (id != null && !id.isEmpty()) {
                call.id = id;
            }
            JsonObject function = Json.object(piece, "function");
            if (function != null) {
                String name = Json.string(function, "name");
                if (name != null) {
                    call.name += name;
                }
                String arguments = Json.string(function, "arguments");
                if (arguments != null) {
                    call.arguments.append(arguments);
                }
            }
        }
    }

    /** The calls in index order; a call the server gave no id gets {@code call-<index>}. */
    List<ToolCall> calls() {
        List<ToolCall> result = new ArrayList<>();
        calls.forEach((index, call) -> result.add(
                new ToolCall(call.id != null ? call.id : "call-" + index, call.name, call.arguments.toString())));
        return result;
    }
}

package dev.persona.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fixture model server for the tool loop: an OpenAI-compatible {@code /v1/chat/completions} on 127.0.0.1 that
 * streams exactly what llama-server streams, with a fixed tool call chosen by a word of the user's message
 * ({@code calculate}, {@code note}, {@code remind}, {@code list my reminders}, {@code cancel reminder 99},
 * {@code escape}) when the request offers tools, and after a
 * {@code tool} message an answer that repeats the tool's result. The tiny test model cannot make a tool call (its
 * weights are random and llama-server's tool grammar lets it write any text before a call), so this fixture stands
 * in for a model that can; everything from the connector on is the real host.
 */
final class ToolCallingBackend implements AutoCloseable {

    private final HttpServer server;
    private final List<JsonObject> requests = new CopyOnWriteArrayList<>();

    ToolCallingBackend() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The chat requests the host sent, oldest first. */
    List<JsonObject> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST") || !exchange.getRequestURI().getPath().equals("/v1/chat/completions")) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            JsonObject request;
            try (JsonReader reader = Json.createReader(exchange.getRequestBody())) {
                request = reader.readObject();
            }
            requests.add(request);
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            JsonArray messages = request.getJsonArray("messages");
            JsonObject last = messages.getJsonObject(messages.size() - 1);
            boolean tools = request.containsKey("tools") && !"none".equals(request.getString("tool_choice", "auto"));
            if (last.getString("role").equals("tool")) {
                text(out, "The tool answered: " + last.getString("content"));
            } else if (!tools) {
                text(out, "No tools were offered.");
            } else {
                String asked = last.getString("content");
                if (asked.contains("calculate")) {
                    toolCall(out, "calculate", "{\"expression\":\"2+3*4\"}");
                } else if (asked.contains("note")) {
                    toolCall(out, "write_file", "{\"path\":\"notes/shopping.txt\",\"content\":\"milk and bread\"}");
                } else if (asked.contains("list my reminders")) {
                    toolCall(out, "list_reminders", "{}");
                } else if (asked.contains("cancel reminder 99")) {
                    toolCall(out, "cancel_reminder", "{\"id\":99}");
                } else if (asked.contains("remind")) {
                    toolCall(out, "create_reminder", "{\"text\":\"stretch your legs\",\"in_minutes\":1}");
                } else if (asked.contains("escape")) {
                    toolCall(out, "read_file", "{\"path\":\"../../keys/identity.kek\"}");
                } else {
                    text(out, "Hello.");
                }
            }
            out.flush();
        }
    }

    private static void text(OutputStream out, String text) throws IOException {
        event(out, "{\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null}}]}");
        for (String piece : text.split("(?<= )")) {
            event(out, "{\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"content\":"
                    + Json.createValue(piece) + "}}]}");
        }
        end(out, "stop");
    }

    private static void toolCall(OutputStream out, String name, String arguments) throws IOException {
        event(out, "{\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null}}]}");
        int half = arguments.length() / 2;
        event(out, "{\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call-"
                + name + "\",\"type\":\"function\",\"function\":{\"name\":\"" + name + "\",\"arguments\":"
                + Json.createValue(arguments.substring(0, half)) + "}}]}}]}");
        event(out, "{\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                + "\"function\":{\"arguments\":" + Json.createValue(arguments.substring(half)) + "}}]}}]}");
        end(out, "tool_calls");
    }

    private static void end(OutputStream out, String reason) throws IOException {
        event(out, "{\"choices\":[{\"finish_reason\":\"" + reason + "\",\"index\":0,\"delta\":{}}]}");
        event(out, "{\"choices\":[],\"usage\":{\"completion_tokens\":3,\"prompt_tokens\":20,\"total_tokens\":23}}");
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    }

    private static void event(OutputStream out, String json) throws IOException {
        out.write(("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

package dev.persona.host.tools;

import java.util.Objects;

import dev.persona.llama.ToolCall;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.function.Predicate;

/**
 * Tells the phone about the tool calls of its answer (docs/protocol.md, "Tools"): {@code tool} when a call starts,
 * {@code tool-result} when it ended; the phone shows them as cards.
 */
public final class ToolCardSender implements ToolLoop.Observer {

    /** Most characters of a result the phone gets on its card. */
    static final int MAX_CARD_TEXT = 2000;

    private final Predicate<String> phone;
    private final String turnId;

    /**
     * @param phone  sends one message to the phone
     * @param turnId the phone's id of the turn
     */
    public ToolCardSender(Predicate<String> phone, String turnId) {
        this.phone = phone;
        this.turnId = turnId;
    }

    @Override
    public void calling(ToolCall call) {
        phone.test(Json.createObjectBuilder().add("type", "tool").add("id", turnId).add("call", call.id())
                .add("name", call.name()).add("arguments", cut(call.arguments())).build().toString());
    }

    @Override
    public void called(ToolResult result) {
        phone.test(Json.createObjectBuilder().add("type", "tool-result").add("id", turnId).add("call", result.callId())
                .add("name", result.tool()).add("outcome", result.outcome()).add("text", cut(result.text()))
                .add("ms", result.durationMicros() / 1000).build().toString());
    }

    /**
     * A recorded call as the history shows it on its answer: the fields of {@code tool} and {@code tool-result}
     * together ({@code name}, {@code arguments}, {@code outcome}, {@code text}, {@code ms}).
     */
    public static JsonObject historyCard(ToolCallView call) {
        return Json.createObjectBuilder().add("name", call.tool())
                .add("arguments", cut(Objects.requireNonNullElse(call.arguments(), "")))
                .add("outcome", call.outcome()).add("text", cut(Objects.requireNonNullElse(call.result(), "")))
                .add("ms", call.durationMicros() / 1000).build();
    }

    private static String cut(String text) {
        return text.length() <= MAX_CARD_TEXT ? text : text.substring(0, MAX_CARD_TEXT) + "…";
    }
}

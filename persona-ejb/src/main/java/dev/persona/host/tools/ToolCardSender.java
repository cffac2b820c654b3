package dev.persona.host.tools;

import java.util.Objects;

import java.util.function.Predicate;

import dev.persona.host.protocol.Frames;
import dev.persona.llama.ToolCall;

/**
 * Tells the phone about the tool calls of its answer (docs/protocol.md, "Tools"): {@code tool} when a call starts,
 * {@code tool-result} when it ended; the phone shows them as cards.
 */
public final class ToolCardSender implements ToolLoop.Observer {

    /** Most characters of a result the phone gets on its card. */
    static final int MAX_CARD_TEXT = 2000;

    private final Predicate<Frames.ToPhone> phone;
    private final String turnId;

    /**
     * @param phone  sends one message to the phone
     * @param turnId the phone's id of the turn
     */
    public ToolCardSender(Predicate<Frames.ToPhone> phone, String turnId) {
        this.phone = phone;
        this.turnId = turnId;
    }

    @Override
    public void calling(ToolCall call) {
        phone.test(new Frames.Tool(turnId, call.id(), call.name(), cut(call.arguments())));
    }

    @Override
    public void called(ToolResult result) {
        phone.test(new Frames.ToolResult(turnId, result.callId(), result.tool(), result.outcome(), cut(result.text()),
                result.durationMicros() / 1000));
    }

    /**
     * A recorded call as the history shows it on its answer: the fields of {@code tool} and {@code tool-result}
     * together ({@code name}, {@code arguments}, {@code outcome}, {@code text}, {@code ms}).
     */
    public static Frames.ToolCard historyCard(ToolCallView call) {
        return new Frames.ToolCard(call.tool(), cut(Objects.requireNonNullElse(call.arguments(), "")), call.outcome(),
                cut(Objects.requireNonNullElse(call.result(), "")), call.durationMicros() / 1000);
    }

    private static String cut(String text) {
        return text.length() <= MAX_CARD_TEXT ? text : text.substring(0, MAX_CARD_TEXT) + "…";
    }
}

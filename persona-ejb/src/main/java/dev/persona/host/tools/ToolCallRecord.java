package dev.persona.host.tools;

import dev.persona.host.NullableUuidColumn;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One tool call the model made, kept for the console: what was asked, how it ended, how long it took. */
@Entity
@Table(name = "tool_call", indexes = {@Index(columnList = "persona_id, called_at"),
        @Index(columnList = "conversation_id, called_at")})
public class ToolCallRecord {

    /** Longest arguments and result text kept (the rest is cut off with a mark). */
    static final int MAX_TEXT = 4000;

    @Id
    @GeneratedValue
    private Long id;

    @Column(name = "persona_id", nullable = false)
    private UUID personaId;

    @Column(name = "device_id")
    @Convert(converter = NullableUuidColumn.class)
    private UUID deviceId;

    /** The conversation of the turn; null for calls recorded before conversations kept their calls. */
    @Column(name = "conversation_id")
    @Convert(converter = NullableUuidColumn.class)
    private UUID conversationId;

    @Column(name = "called_at", nullable = false)
    private Instant calledAt;

    @Column(nullable = false, length = 64)
    private String tool;

    @Column(length = MAX_TEXT + 20)
    private String arguments;

    @Column(nullable = false, length = 32)
    private String outcome;

    @Column(length = MAX_TEXT + 20)
    private String result;

    @Column(name = "duration_micros", nullable = false)
    private long durationMicros;

    protected ToolCallRecord() {
    }

    ToolCallRecord(ToolContext context, Instant calledAt, ToolResult call) {
        this.personaId = context.persona();
        this.deviceId = context.device();
        this.conversationId = context.conversation();
        this.calledAt = calledAt;
        this.tool = call.tool();
        this.arguments = cut(call.arguments());
        this.outcome = call.outcome();
        this.result = cut(call.text());
        this.durationMicros = call.durationMicros();
    }

    static String cut(String text) {
        return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "… (cut off)";
    }

    /** The record as the console shows it. */
    ToolCallView view() {
        return new ToolCallView(id, deviceId, calledAt, tool, arguments, outcome, result, durationMicros);
    }
}

package dev.persona.web.console;

import java.io.Serializable;
import java.time.Instant;
import java.util.Locale;

import dev.persona.host.tools.ToolCallView;

/** A recorded tool call on the tools page. */
public record ToolCallRow(Instant calledAt, String tool, String arguments, String outcome, String result,
                          long durationMicros) implements Serializable {

    /** Results longer than this are cut on the page (the whole text on hover). */
    private static final int RESULT_SHOWN = 160;

    ToolCallRow(ToolCallView call) {
        this(call.calledAt(), call.tool(), call.arguments(), call.outcome(), call.result(), call.durationMicros());
    }

    public boolean ok() {
        return "ok".equals(outcome);
    }

    public String shortResult() {
        String text = result == null ? "" : result;
        return text.length() > RESULT_SHOWN ? text.substring(0, RESULT_SHOWN - 1) + "…" : text;
    }

    /** The duration in milliseconds with one decimal. */
    public String duration() {
        return String.format(Locale.ROOT, "%.1f ms", durationMicros / 1000.0);
    }
}

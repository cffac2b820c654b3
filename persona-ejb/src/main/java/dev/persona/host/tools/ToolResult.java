package dev.persona.host.tools;

/**
 * How one tool call ended, for the model (as the {@code tool} message), the phone's card and the console.
 *
 * @param callId         the model's id of the call
 * @param tool           the tool's name
 * @param arguments      the arguments as the model wrote them (JSON text)
 * @param outcome        {@code ok} or why not (see {@link ToolCallView#outcome()})
 * @param text           the result, or the message saying what went wrong
 * @param durationMicros wall-clock time of the call
 */
public record ToolResult(String callId, String tool, String arguments, String outcome, String text, long durationMicros) {

    /** Most characters of a result the model gets back (a 1 MiB file would overflow its context). */
    static final int MAX_FOR_MODEL = 8000;

    public boolean ok() {
        return "ok".equals(outcome);
    }

    /** The {@code tool} message's content: the result, or {@code error (<outcome>): <message>}. */
    public String forModel() {
        String body = text.length() <= MAX_FOR_MODEL ? text
                : text.substring(0, MAX_FOR_MODEL) + "\n… (" + (text.length() - MAX_FOR_MODEL) + " more characters left out)";
        return ok() ? body : "error (" + outcome + "): " + body;
    }
}

package dev.persona.plugins;

/**
 * The end of one plugin call.
 *
 * @param outcome       how it ended
 * @param text          the result, or a message saying why there is none
 * @param elapsedMicros wall-clock time of the call, including instantiation
 */
public record PluginResult(PluginOutcome outcome, String text, long elapsedMicros) {

    /** Whether the function ran and {@link #text()} is its result. */
    public boolean ok() {
        return outcome == PluginOutcome.OK;
    }
}

package dev.persona.host.tools;

import java.time.Instant;
import java.util.UUID;

/**
 * A recorded tool call for the console.
 *
 * @param outcome        {@code ok}, {@code tool-error}, {@code invalid-arguments}, {@code timeout}, {@code memory-limit},
 *                       {@code output-limit}, {@code folder-quota}, {@code sandbox}, {@code trap} or {@code disabled}
 * @param durationMicros wall-clock time of the call
 */
public record ToolCallView(long id, UUID deviceId, Instant calledAt, String tool, String arguments, String outcome,
                           String result, long durationMicros) {
}

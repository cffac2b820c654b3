package dev.persona.host.tools;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Carries out what the scheduler plugin answered ({@code {"action":"create","due":…,"text":…}}, {@code list},
 * {@code cancel}) for the phone of the call, and says in words what was done, for the model.
 */
final class ReminderActions {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    private final Reminders reminders;
    private final ToolContext context;

    ReminderActions(Reminders reminders, ToolContext context) {
        this.reminders = reminders;
        this.context = context;
    }

    String apply(String pluginAnswer) {
        JsonObject action;
        try (JsonReader reader = Json.createReader(new StringReader(pluginAnswer))) {
            action = reader.readObject();
        } catch (JsonParsingException | ClassCastException e) {
            throw new IllegalStateException("the scheduler plugin answered something that is not an action: " + pluginAnswer);
        }
        switch (action.getString("action", "")) {
            case "create" -> {
                Instant due = Instant.ofEpochSecond(action.getJsonNumber("due").longValue());
                Reminder reminder = reminders.create(context.persona(), context.device(), action.getString("text"), due);
                return "Reminder " + reminder.id() + " set for " + TIME.format(due) + " (in "
                        + describe(Duration.between(Instant.now(), due)) + "): " + reminder.text();
            }
            case "list" -> {
                List<Reminder> pending = reminders.pending(context.persona(), context.device());
                if (pending.isEmpty()) {
                    return "No reminders are waiting.";
                }
                return pending.stream().map(r -> r.id() + ": " + TIME.format(r.due()) + " " + r.text())
                        .collect(Collectors.joining("\n"));
            }
            case "cancel" -> {
                long id = action.getJsonNumber("id").longValue();
                if (!reminders.cancel(context.persona(), context.device(), id)) {
                    throw new IllegalArgumentException("there is no waiting reminder " + id);
                }
                return "Reminder " + id + " cancelled.";
            }
            default -> throw new IllegalStateException("the scheduler plugin asked for an unknown action: " + pluginAnswer);
        }
    }

    private static String describe(Duration duration) {
        long minutes = Math.max(0, Math.round(duration.getSeconds() / 60.0));
        if (minutes < 60) {
            return minutes + " min";
        }
        if (minutes < 48 * 60) {
            return minutes / 60 + " h " + minutes % 60 + " min";
        }
        return minutes / (24 * 60) + " days";
    }
}

package dev.persona.host.tools;

import jakarta.json.Json;

/** The {@code reminder} message a phone gets when one of its reminders is due (docs/protocol.md, "Tools"). */
public final class ReminderMessage {

    private ReminderMessage() {
    }

    public static String of(ReminderDue reminder) {
        return Json.createObjectBuilder().add("type", "reminder").add("reminder", reminder.id())
                .add("text", reminder.text()).add("due", reminder.due().toString()).build().toString();
    }
}

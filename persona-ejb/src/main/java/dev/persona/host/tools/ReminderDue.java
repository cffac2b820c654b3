package dev.persona.host.tools;

import java.time.Instant;
import java.util.UUID;

/**
 * CDI event: a reminder's time has come. The phone's session, if one is open, delivers it and calls {@link
 * Reminders#delivered(long)}; otherwise the phone gets it at its next connection ({@link Reminders#undelivered}).
 */
public record ReminderDue(long id, UUID personaId, UUID deviceId, String text, Instant due) {
}

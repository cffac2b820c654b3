package dev.persona.host.chat;

import java.util.List;
import java.util.UUID;

import dev.persona.host.tools.ReminderDue;

/** The reminders that came due while a phone was away, and marking one as delivered. */
interface ReminderInbox {

    List<ReminderDue> undelivered(UUID deviceId);

    void delivered(long reminderId);
}

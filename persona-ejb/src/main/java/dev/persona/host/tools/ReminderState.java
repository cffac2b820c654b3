package dev.persona.host.tools;

/** Where a reminder is: waiting for its time, fired (due, not yet on the phone), delivered, or cancelled. */
public enum ReminderState {
    PENDING, FIRED, DELIVERED, CANCELLED
}

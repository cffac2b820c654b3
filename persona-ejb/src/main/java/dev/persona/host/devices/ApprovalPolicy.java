package dev.persona.host.devices;

import java.util.Locale;

/** What a valid invite does for a new phone (setting {@code persona.devices.approval}). */
public enum ApprovalPolicy {
    /** A valid invite approves the phone at once. */
    INVITE,
    /** A valid invite makes the phone known; the owner approves it in the console. */
    ADMIN;

    public static ApprovalPolicy parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid value '" + value + "' for persona.devices.approval: "
                    + "expected 'invite' (a valid invite approves at once) or 'admin' (the owner approves).", e);
        }
    }
}

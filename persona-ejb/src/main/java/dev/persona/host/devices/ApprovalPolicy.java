package dev.persona.host.devices;

import java.util.Arrays;

import dev.persona.settings.Setting;

/** What a valid invite does for a new phone (setting {@code persona.devices.approval}). */
public enum ApprovalPolicy {
    /** A valid invite approves the phone at once. */
    INVITE,
    /** A valid invite makes the phone known; the owner approves it in the console. */
    ADMIN;

    public static final Setting<ApprovalPolicy> SETTING = Setting.parsed("persona.devices.approval", INVITE,
            "invite (a valid invite approves at once) or admin (the owner approves)",
            text -> Arrays.stream(values()).filter(policy -> policy.name().equalsIgnoreCase(text)).findFirst()
                    .orElse(null));
}

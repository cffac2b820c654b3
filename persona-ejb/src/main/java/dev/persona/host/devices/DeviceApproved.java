package dev.persona.host.devices;

import java.util.UUID;

/** CDI event fired when the owner approves a device, so that a phone waiting on an open channel goes on. */
public record DeviceApproved(UUID personaId, UUID deviceId) {
}

package dev.persona.host.devices;

import java.util.UUID;

/** CDI event fired when a device is revoked, so that live sessions of it end at once. */
public record DeviceRevoked(UUID personaId, UUID deviceId, byte[] publicKey) {
}

package dev.persona.host.identity;

import java.time.Instant;
import java.util.UUID;

/**
 * CDI event fired when a persona gets a new key, so that the host also answers phones under the new key id; the
 * old key keeps signing until {@code oldKeyValidUntil}.
 */
public record PersonaKeyRotated(UUID personaId, byte[] newPublicKey, byte[] oldPublicKey, Instant oldKeyValidUntil) {
}

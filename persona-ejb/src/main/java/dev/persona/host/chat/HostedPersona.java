package dev.persona.host.chat;

import java.util.UUID;
import java.util.function.Supplier;

import dev.persona.host.handshake.HostHandshake;
import dev.persona.signaling.identity.KeyId;

/**
 * A persona as the sessions need it: its id, name, prompt, the key id phones reached it under (the current key, or
 * the previous one during its grace period after a rotation), signing with its keys, and its key id now.
 *
 * @param currentKeyId the persona's key id now: phones that reached it under an older one learn it in
 *                     {@code admitted}
 */
record HostedPersona(UUID id, String name, KeyId keyId, String systemPrompt, HostHandshake.HostSigner signer,
                     Supplier<KeyId> currentKeyId) {
}

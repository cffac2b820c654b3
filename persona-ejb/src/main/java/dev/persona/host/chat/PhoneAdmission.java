package dev.persona.host.chat;

import java.util.UUID;

import dev.persona.host.devices.DeviceTrust;

/** Decides whether a phone that proved its key may chat with a persona (the device service's rules). */
@FunctionalInterface
interface PhoneAdmission {

    /**
     * @param invite the invite code the phone presented, or null
     * @param name   the name the phone gave itself, or null
     */
    DeviceTrust.AdmissionResult admit(UUID personaId, byte[] devicePublicKey, String invite, String name);
}

package dev.persona.host.devices;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import dev.persona.host.config.HostConfiguration;
import dev.persona.host.identity.Persona;
import dev.persona.host.identity.PersonaIdentities;
import dev.persona.signaling.identity.KeyId;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;

/**
 * How a phone finds and pairs with a persona: mints one-time invites with the URL of their QR code, and gives the
 * address paired phones reconnect with. The one home of these steps for the console and the start-up announcement
 * ({@link PairingAnnouncement}).
 */
@Stateless
public class Pairing {

    @EJB
    private PersonaIdentities identities;

    @EJB
    private DeviceTrust devices;

    @Inject
    private HostConfiguration configuration;

    /** A new invite for the persona, valid for {@code validity}, that pairs one phone. */
    public PairingInvite mint(UUID personaId, Duration validity) {
        Persona persona = identities.persona(personaId);
        String code = devices.mintInvite(personaId, validity);
        String url = PairingLink.of(configuration.publicUrl(), hostId(persona), code);
        return new PairingInvite(personaId, persona.name(), url, Instant.now().plus(validity));
    }

    /** A new invite for the first persona, valid for {@link DeviceTrust#DEFAULT_INVITE_VALIDITY}. */
    public PairingInvite mintForFirstPersona() {
        return mint(identities.personas().get(0).id(), DeviceTrust.DEFAULT_INVITE_VALIDITY);
    }

    /** The first persona's phone address without an invite: paired phones reconnect with it. */
    public String phoneUrl() {
        return PairingLink.of(configuration.publicUrl(), hostId(identities.personas().get(0)));
    }

    private static String hostId(Persona persona) {
        return KeyId.of(persona.publicKey()).toString();
    }
}

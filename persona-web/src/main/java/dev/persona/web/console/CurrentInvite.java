package dev.persona.web.console;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import dev.persona.host.config.HostConfiguration;
import dev.persona.host.devices.DeviceTrust;
import dev.persona.host.devices.PairingLink;
import dev.persona.host.devices.PairingQr;
import dev.persona.host.identity.Persona;
import dev.persona.host.identity.PersonaIdentities;
import dev.persona.signaling.identity.KeyId;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The invite the console showed last, so the dashboard and the pairing page show the same QR code. Only this memory
 * holds the code in clear (the database keeps its hash); after a restart the owner mints a new one.
 */
@ApplicationScoped
public class CurrentInvite {

    /** A minted invite: the URL of its QR code and when it stops working. */
    public record Shown(UUID personaId, String personaName, String url, Instant expiresAt) {
        public boolean expired() {
            return !Instant.now().isBefore(expiresAt);
        }

        /** The QR code as a PNG data URI with {@code scale} pixels per module, shown at that size (no blur). */
        public String qrDataUri(int scale) {
            return "data:image/png;base64," + Base64.getEncoder().encodeToString(PairingQr.of(url).toPng(scale));
        }
    }

    @EJB
    private DeviceTrust devices;

    @EJB
    private PersonaIdentities identities;

    @Inject
    private HostConfiguration configuration;

    private volatile Shown shown;

    /** The last invite while it is valid, else null. */
    public Shown valid() {
        Shown current = shown;
        return current == null || current.expired() ? null : current;
    }

    public Shown mint(UUID personaId, Duration validity) {
        Persona persona = identities.persona(personaId);
        String code = devices.mintInvite(personaId, validity);
        String url = PairingLink.of(configuration.publicUrl(), KeyId.of(persona.publicKey()).toString(),
                code);
        Shown minted = new Shown(personaId, persona.name(), url, Instant.now().plus(validity));
        shown = minted;
        return minted;
    }

    /** The phone address without an invite: paired phones reconnect with it. */
    public String phoneUrl() {
        Persona persona = identities.personas().get(0);
        return configuration.publicUrl().replaceAll("/+$", "") + "/client?id=" + KeyId.of(persona.publicKey());
    }
}

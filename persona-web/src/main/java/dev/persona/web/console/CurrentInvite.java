package dev.persona.web.console;

import java.time.Duration;
import java.util.UUID;

import dev.persona.host.devices.Pairing;
import dev.persona.host.devices.PairingInvite;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The invite the console showed last, so the dashboard and the pairing page show the same QR code. Only this memory
 * holds the code in clear (the database keeps its hash); after a restart the owner mints a new one. Minting and the
 * URLs are {@link Pairing}'s.
 */
@ApplicationScoped
public class CurrentInvite {

    @EJB
    private Pairing pairing;

    private volatile PairingInvite shown;

    /** The last invite while it is valid, else null. */
    public PairingInvite valid() {
        PairingInvite current = shown;
        return current == null || current.expired() ? null : current;
    }

    public PairingInvite mint(UUID personaId, Duration validity) {
        PairingInvite minted = pairing.mint(personaId, validity);
        shown = minted;
        return minted;
    }

    /** The phone address without an invite: paired phones reconnect with it. */
    public String phoneUrl() {
        return pairing.phoneUrl();
    }
}

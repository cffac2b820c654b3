package dev.persona.host.devices;

import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * A minted invite as it is shown to the owner: the phone URL its QR code carries (the persona's key as host id and
 * the one-time code, see {@link PairingLink}) and when it stops working. Only this value holds the code in clear;
 * the database keeps its hash.
 */
public record PairingInvite(UUID personaId, String personaName, String url, Instant expiresAt) {

    public boolean expired() {
        return !Instant.now().isBefore(expiresAt);
    }

    /** The QR code of {@link #url()} as a PNG data URI with {@code scale} pixels per module. */
    public String qrDataUri(int scale) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(PairingQr.of(url).toPng(scale));
    }

    /** The QR code of {@link #url()} in Unicode half blocks, for a terminal or a log. */
    public String qrText() {
        return PairingQr.of(url).toUnicode();
    }
}

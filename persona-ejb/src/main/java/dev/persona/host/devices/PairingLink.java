package dev.persona.host.devices;

/** The phone URL of a QR code: the host id is the persona's key, the invite pairs one phone once. */
public final class PairingLink {

    private PairingLink() {
    }

    /** {@code <publicUrl>/client?id=<hostId>&invite=<code>}. */
    public static String of(String publicUrl, String hostId, String inviteCode) {
        return publicUrl.replaceAll("/+$", "") + "/client?id=" + hostId + "&invite=" + inviteCode;
    }
}

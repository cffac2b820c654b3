package dev.persona.host.devices;

/** The phone URLs: the host id is the persona's key, the invite pairs one phone once. */
public final class PairingLink {

    private PairingLink() {
    }

    /** {@code <publicUrl>/client?id=<hostId>}: the address a paired phone reconnects with. */
    public static String of(String publicUrl, String hostId) {
        return publicUrl.replaceAll("/+$", "") + "/client?id=" + hostId;
    }

    /** {@code <publicUrl>/client?id=<hostId>&invite=<code>}: the address of a QR code. */
    public static String of(String publicUrl, String hostId, String inviteCode) {
        return of(publicUrl, hostId) + "&invite=" + inviteCode;
    }
}

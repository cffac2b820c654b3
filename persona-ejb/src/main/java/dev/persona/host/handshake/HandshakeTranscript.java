package dev.persona.host.handshake;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The exact bytes each side signs (docs/identity.md): UTF-8 lines joined by "\n", the ids as their text and the
 * challenges in unpadded base64url. The role line keeps a host signature from ever passing as a phone's.
 */
public final class HandshakeTranscript {

    public static final String VERSION_LABEL = "persona-handshake-v1";

    private HandshakeTranscript() {
    }

    /** What the host signs: it answers the phone's challenge, and binds its own. */
    public static byte[] hostStatement(String hostId, String deviceId, byte[] phoneChallenge, byte[] hostChallenge) {
        return statement("host", hostId, deviceId, phoneChallenge, hostChallenge);
    }

    /** What the phone signs: it answers the host's challenge, and binds its own. */
    public static byte[] phoneStatement(String hostId, String deviceId, byte[] phoneChallenge, byte[] hostChallenge) {
        return statement("phone", hostId, deviceId, phoneChallenge, hostChallenge);
    }

    private static byte[] statement(String role, String hostId, String deviceId, byte[] phoneChallenge,
                                    byte[] hostChallenge) {
        return String.join("\n", VERSION_LABEL, role, hostId, deviceId, base64url(phoneChallenge),
                base64url(hostChallenge)).getBytes(StandardCharsets.UTF_8);
    }

    static String base64url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static byte[] fromBase64url(String text, String field, int expectedLength) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new HandshakeException("malformed", field + " is not unpadded base64url.");
        }
        if (bytes.length != expectedLength) {
            throw new HandshakeException("malformed", field + " must be " + expectedLength + " bytes, not "
                    + bytes.length + ".");
        }
        return bytes;
    }
}

package dev.persona.host.identity;

/** Checks Ed25519 signatures made by phones or by personas (BouncyCastle). */
public final class Signatures {

    private Signatures() {
    }

    /** Whether {@code signature} is a valid Ed25519 signature of {@code message} by {@code publicKey}. */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        return Ed25519KeyPair.verify(publicKey, message, signature);
    }
}

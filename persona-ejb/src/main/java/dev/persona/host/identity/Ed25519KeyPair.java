package dev.persona.host.identity;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.UUID;

import dev.persona.server.KeyEncryptionKey;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Ed25519 through BouncyCastle's lightweight API: new key pairs, signing with a sealed private key (opened only
 * for the signature), verifying. The 32-byte private seed is what gets sealed.
 */
final class Ed25519KeyPair {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] SEAL_LABEL = "persona-identity-v1".getBytes(StandardCharsets.US_ASCII);

    /** A new key pair: its public key and its private seed sealed for the given persona. */
    record Sealed(byte[] publicKey, byte[] sealedPrivateKey) {
    }

    private Ed25519KeyPair() {
    }

    static Sealed generate(KeyEncryptionKey kek, UUID owner) {
        Ed25519PrivateKeyParameters privateKey = new Ed25519PrivateKeyParameters(RANDOM);
        byte[] publicKey = privateKey.generatePublicKey().getEncoded();
        byte[] seed = privateKey.getEncoded();
        try {
            return new Sealed(publicKey, kek.seal(seed, sealContext(owner, publicKey)));
        } finally {
            java.util.Arrays.fill(seed, (byte) 0);
        }
    }

    static byte[] sign(KeyEncryptionKey kek, UUID owner, byte[] publicKey, byte[] sealedPrivateKey, byte[] message) {
        byte[] seed = kek.open(sealedPrivateKey, sealContext(owner, publicKey));
        try {
            Ed25519Signer signer = new Ed25519Signer();
            signer.init(true, new Ed25519PrivateKeyParameters(seed, 0));
            signer.update(message, 0, message.length);
            return signer.generateSignature();
        } finally {
            java.util.Arrays.fill(seed, (byte) 0);
        }
    }

    static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey.length != Ed25519PublicKeyParameters.KEY_SIZE || signature.length != 64) {
            return false;
        }
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }

    /** Binds a sealed key to its owner and public key, so a sealed key copied to another row does not open. */
    private static byte[] sealContext(UUID owner, byte[] publicKey) {
        return ByteBuffer.allocate(SEAL_LABEL.length + 16 + publicKey.length).put(SEAL_LABEL)
                .putLong(owner.getMostSignificantBits()).putLong(owner.getLeastSignificantBits()).put(publicKey)
                .array();
    }
}

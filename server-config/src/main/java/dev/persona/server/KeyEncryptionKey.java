package dev.persona.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 key that seals the host's private keys: the personas' keys in the database and the local CA's key in
 * {@code tls/}. It is kept in {@code keys/identity.kek} (owner-only), so that a copy of the database or of
 * {@code tls/} alone reveals no private key. It is made once; a missing file when sealed keys exist is an error,
 * never a reason to make a new one, since that would make every sealed key unreadable.
 */
public final class KeyEncryptionKey {

    static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private KeyEncryptionKey(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    public static Path file(DataDirectory data) {
        return data.keys().resolve("identity.kek");
    }

    /**
     * Loads the key; makes it only when {@code mayCreate} (no sealed key exists yet).
     *
     * @throws IllegalStateException with what to do, when the file is missing, unreadable or of the wrong size
     */
    public static KeyEncryptionKey load(DataDirectory data, boolean mayCreate) {
        Path file = file(data);
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length != KEY_BYTES) {
                throw new IllegalStateException("The key-encryption key " + file + " has " + bytes.length
                        + " bytes instead of " + KEY_BYTES + ". Restore it from a backup of the data directory.");
            }
            return new KeyEncryptionKey(bytes);
        } catch (NoSuchFileException missing) {
            if (!mayCreate) {
                throw new IllegalStateException("The key-encryption key " + file + " is missing, but the database "
                        + "holds sealed private keys. Restore the file from a backup of the data directory; without "
                        + "it the host's identities cannot be used.");
            }
            byte[] bytes = new byte[KEY_BYTES];
            RANDOM.nextBytes(bytes);
            try {
                Files.createDirectories(file.getParent());
                DataDirectory.writeSecretFile(file, bytes);
            } catch (IOException e) {
                throw new IllegalStateException("Cannot write the key-encryption key " + file + ": " + e.getMessage(), e);
            }
            return new KeyEncryptionKey(bytes);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the key-encryption key " + file + ": " + e.getMessage(), e);
        }
    }

    /** Encrypts and authenticates {@code secret}, bound to {@code context} (e.g. the owner's id and public key). */
    public byte[] seal(byte[] secret, byte[] context) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context);
            byte[] sealed = cipher.doFinal(secret);
            byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    /**
     * Reverses {@link #seal}.
     *
     * @throws IllegalStateException when the data was changed, sealed for another context or with another key
     */
    public byte[] open(byte[] sealed, byte[] context) {
        if (sealed.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new IllegalStateException("A sealed key is too short to be one (" + sealed.length + " bytes).");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            cipher.updateAAD(context);
            return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new IllegalStateException("A sealed private key does not open with the key-encryption key in "
                    + "keys/identity.kek: the file belongs to another data directory, or the sealed key was altered.",
                    e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }
}

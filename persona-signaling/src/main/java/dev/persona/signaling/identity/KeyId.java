package dev.persona.signaling.identity;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An id that is a raw 32-byte Ed25519 public key: {@code "k1"} followed by the key in lowercase base32 (RFC 4648
 * alphabet, no padding), 54 characters in all. Every key id passes the peerjs client's id rule. Only the canonical
 * text is accepted (lowercase, the unused low bits of the last character zero), so one key has exactly one id.
 * Whether the 32 bytes are a valid curve point is checked where a proof is verified, not here.
 */
public final class KeyId {

    /** Marks an id as a key id, version 1 (Ed25519, base32). Ids with this prefix must be valid key ids. */
    public static final String PREFIX = "k1";
    public static final int KEY_BYTES = 32;
    /** Characters of a key id: the prefix and 52 base32 characters (260 bits for 256). */
    public static final int LENGTH = PREFIX.length() + 52;

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

    private final String text;
    private final byte[] publicKey;

    private KeyId(String text, byte[] publicKey) {
        this.text = text;
        this.publicKey = publicKey;
    }

    /** The id of a raw 32-byte Ed25519 public key. */
    public static KeyId of(byte[] publicKey) {
        if (publicKey.length != KEY_BYTES) {
            throw new IllegalArgumentException("An Ed25519 public key has " + KEY_BYTES + " bytes, not "
                    + publicKey.length + ".");
        }
        return new KeyId(PREFIX + encode(publicKey), publicKey.clone());
    }

    /**
     * Reads a key id.
     *
     * @throws IllegalArgumentException saying what is wrong with {@code text}
     */
    public static KeyId parse(String text) {
        if (!text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("Not a key id: '" + abbreviate(text) + "' does not start with '"
                    + PREFIX + "'.");
        }
        if (text.length() != LENGTH) {
            throw new IllegalArgumentException("Not a key id: '" + abbreviate(text) + "' has " + text.length()
                    + " characters, a key id has " + LENGTH + ".");
        }
        return new KeyId(text, decode(text, PREFIX.length()));
    }

    /** Whether {@code text} claims to be a key id, by its prefix; such an id must then {@link #parse} too. */
    public static boolean isClaimedKeyId(String text) {
        return text.startsWith(PREFIX);
    }

    /**
     * The key written for people to compare (docs/identity.md, "Fingerprints"): the first 16 bytes of SHA-256 of the
     * public key in lowercase hex, in eight groups of four joined by spaces ({@code 3f2a 91c0 …}). The console shows
     * it next to a waiting phone and each persona; the phone shows its own while it waits for approval.
     */
    public String fingerprint() {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(publicKey);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
        String hex = HexFormat.of().formatHex(digest, 0, 16);
        StringBuilder grouped = new StringBuilder(39);
        for (int i = 0; i < hex.length(); i += 4) {
            if (i > 0) {
                grouped.append(' ');
            }
            grouped.append(hex, i, i + 4);
        }
        return grouped.toString();
    }

    /** A copy of the raw 32-byte public key. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The id's text. */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KeyId that && text.equals(that.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    private static String encode(byte[] data) {
        StringBuilder out = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                out.append(ALPHABET.charAt((buffer >>> bits) & 0x1f));
            }
        }
        if (bits > 0) {
            out.append(ALPHABET.charAt((buffer << (5 - bits)) & 0x1f));
        }
        return out.toString();
    }

    private static byte[] decode(String text, int from) {
        byte[] out = new byte[KEY_BYTES];
        int buffer = 0;
        int bits = 0;
        int written = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            int value = ALPHABET.indexOf(c);
            if (value < 0) {
                throw new IllegalArgumentException("Not a key id: '" + abbreviate(text) + "' has '" + c
                        + "' at position " + i + "; a key id uses only a-z and 2-7 after '" + PREFIX + "'.");
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                out[written++] = (byte) (buffer >>> bits);
            }
        }
        if ((buffer & ((1 << bits) - 1)) != 0) {
            throw new IllegalArgumentException("Not a key id: '" + abbreviate(text) + "' is not canonical; its last "
                    + "character must be 'a' or 'q'.");
        }
        return out;
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}

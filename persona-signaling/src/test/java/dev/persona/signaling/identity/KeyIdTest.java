package dev.persona.signaling.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Random;
import java.util.regex.Pattern;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.Test;

class KeyIdTest {

    /** The peerjs client's id rule (peerjs 1.5.5, util.validateId). */
    private static final Pattern PEERJS_ID = Pattern.compile("^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$");

    @Test
    void tenThousandRandomKeysAllPassThePeerJsIdRuleAndRoundTrip() {
        Random random = new Random(20260101);
        byte[] key = new byte[KeyId.KEY_BYTES];
        for (int i = 0; i < 10_000; i++) {
            random.nextBytes(key);
            String id = KeyId.of(key).toString();
            assertTrue(PEERJS_ID.matcher(id).matches(), id);
            assertEquals(KeyId.LENGTH, id.length());
            assertArrayEquals(key, KeyId.parse(id).publicKey(), id);
        }
    }

    @Test
    void generatedEd25519KeysRoundTrip() {
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 100; i++) {
            byte[] publicKey = new Ed25519PrivateKeyParameters(random).generatePublicKey().getEncoded();
            KeyId id = KeyId.of(publicKey);
            assertTrue(PEERJS_ID.matcher(id.toString()).matches());
            assertEquals(id, KeyId.parse(id.toString()));
        }
    }

    @Test
    void extremeKeysEncodeAsExpected() {
        assertEquals("k1" + "a".repeat(52), KeyId.of(new byte[32]).toString());
        byte[] ones = new byte[32];
        Arrays.fill(ones, (byte) 0xff);
        assertEquals("k1" + "7".repeat(51) + "q", KeyId.of(ones).toString());
    }

    @Test
    void parseSaysWhatIsWrong() {
        String id = KeyId.of(new byte[32]).toString();
        assertMessage("does not start with 'k1'", "x1" + id.substring(2));
        assertMessage("has 53 characters, a key id has 54", id.substring(0, 53));
        assertMessage("has 'A' at position 2", "k1A" + id.substring(3));
        assertMessage("has '1' at position 5", id.substring(0, 5) + "1" + id.substring(6));
        assertMessage("last character must be 'a' or 'q'", id.substring(0, 53) + "b");
    }

    @Test
    void keyMustHave32Bytes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeyId.of(new byte[31]));
        assertTrue(e.getMessage().contains("32 bytes, not 31"), e.getMessage());
    }

    @Test
    void claimedKeyIdsAreRecognisedByPrefix() {
        assertTrue(KeyId.isClaimedKeyId("k1whatever"));
        assertFalse(KeyId.isClaimedKeyId("3f2a1c9e-0b7d-4e5f-8a6b-1c2d3e4f5a6b"));
        assertFalse(KeyId.isClaimedKeyId("kitchen"));
    }

    @Test
    void equalityIsByText() {
        byte[] key = new byte[32];
        key[5] = 7;
        assertEquals(KeyId.of(key), KeyId.parse(KeyId.of(key).toString()));
        assertEquals(KeyId.of(key).hashCode(), KeyId.parse(KeyId.of(key).toString()).hashCode());
        assertNotEquals(KeyId.of(key), KeyId.of(new byte[32]));
    }

    @Test
    void publicKeyIsACopy() {
        KeyId id = KeyId.of(new byte[32]);
        id.publicKey()[0] = 1;
        assertArrayEquals(new byte[32], id.publicKey());
    }

    private static void assertMessage(String expected, String id) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeyId.parse(id));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void aFingerprintIsTheFirstSixteenBytesOfSha256InGroupsOfFour() throws Exception {
        // SHA-256 of 32 zero bytes starts 66687aadf862bd776c8fc18b8e9f8e20.
        assertEquals("6668 7aad f862 bd77 6c8f c18b 8e9f 8e20", KeyId.of(new byte[32]).fingerprint());
        byte[] key = java.util.HexFormat.of().parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        String digest = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(key));
        assertEquals(digest.substring(0, 32), KeyId.of(key).fingerprint().replace(" ", ""));
    }
}

package dev.persona.host.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

import dev.persona.server.DataDirectory;
import dev.persona.server.KeyEncryptionKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SealedKeysTest {

    @TempDir
    Path root;
    DataDirectory data;

    @BeforeEach
    void prepare() {
        data = new DataDirectory(root);
        data.prepare();
    }

    @Test
    void keyEncryptionKeyIsMadeOnceOwnerOnlyAndReusedAfterwards() throws Exception {
        KeyEncryptionKey first = KeyEncryptionKey.load(data, true);
        Path file = KeyEncryptionKey.file(data);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        byte[] sealed = first.seal(new byte[] {1, 2, 3}, new byte[] {9});

        KeyEncryptionKey again = KeyEncryptionKey.load(data, false);

        assertArrayEquals(new byte[] {1, 2, 3}, again.open(sealed, new byte[] {9}));
    }

    @Test
    void missingKeyEncryptionKeyIsAnErrorOnceKeysAreSealed() {
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> KeyEncryptionKey.load(data, false));
        assertTrue(error.getMessage().contains("is missing"), error.getMessage());
        assertFalse(Files.exists(KeyEncryptionKey.file(data)), "no new key was made");
    }

    @Test
    void keyEncryptionKeyOfTheWrongSizeIsRefused() throws Exception {
        Files.write(KeyEncryptionKey.file(data), new byte[7]);
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> KeyEncryptionKey.load(data, true));
        assertTrue(error.getMessage().contains("7 bytes"), error.getMessage());
    }

    @Test
    void sealedPrivateKeySignsAndIsBoundToItsOwner() {
        KeyEncryptionKey kek = KeyEncryptionKey.load(data, true);
        UUID owner = UUID.randomUUID();
        Ed25519KeyPair.Sealed keys = Ed25519KeyPair.generate(kek, owner);
        byte[] message = "challenge".getBytes(StandardCharsets.UTF_8);

        byte[] signature = Ed25519KeyPair.sign(kek, owner, keys.publicKey(), keys.sealedPrivateKey(), message);

        assertTrue(Ed25519KeyPair.verify(keys.publicKey(), message, signature));
        assertFalse(Ed25519KeyPair.verify(keys.publicKey(), "other".getBytes(StandardCharsets.UTF_8), signature));
        assertThrows(IllegalStateException.class, () -> Ed25519KeyPair.sign(kek, UUID.randomUUID(),
                keys.publicKey(), keys.sealedPrivateKey(), message), "sealed for another persona");
    }

    @Test
    void sealedKeyDoesNotContainThePrivateSeedInTheClear() {
        KeyEncryptionKey kek = KeyEncryptionKey.load(data, true);
        byte[] secret = new byte[32];
        java.util.Arrays.fill(secret, (byte) 0x5A);
        byte[] sealed = kek.seal(secret, new byte[0]);
        assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains(new String(secret,
                StandardCharsets.ISO_8859_1)));
    }

    @Test
    void tamperedSealedKeyDoesNotOpen() {
        KeyEncryptionKey kek = KeyEncryptionKey.load(data, true);
        byte[] sealed = kek.seal(new byte[32], new byte[] {1});
        sealed[sealed.length - 1] ^= 1;
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> kek.open(sealed, new byte[] {1}));
        assertTrue(error.getMessage().contains("does not open"), error.getMessage());
    }
}

package dev.persona.arquillian;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;

import dev.persona.host.config.HostConfiguration;
import dev.persona.host.identity.NotAPersonaKeyException;
import dev.persona.host.identity.Persona;
import dev.persona.host.identity.PersonaIdentities;
import dev.persona.host.identity.PersonaKeyRotated;
import dev.persona.host.identity.Signatures;
import dev.persona.server.KeyEncryptionKey;
import jakarta.ejb.EJBException;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The identity service in the container: the startup singleton makes the first persona, private keys are stored
 * sealed by the key-encryption key in the data directory and bound to their persona, rotations keep the old key for
 * its grace period and reach CDI observers.
 */
@ExtendWith(ArquillianExtension.class)
class PersonaIdentitiesIT {

    private static final byte[] MESSAGE = "in-container".getBytes(StandardCharsets.UTF_8);

    @Deployment
    static WebArchive deployment() {
        return Deployments.services("identities")
                .addPackage(Persona.class.getPackage())
                .addClasses(PersonaRows.class, KeyRotationsHeard.class);
    }

    /** In the container only: JUnit makes the test instance on the client side too. */
    private static PersonaIdentities identities() {
        return Beans.bean(PersonaIdentities.class);
    }

    /** In the container only: JUnit makes the test instance on the client side too. */
    private static PersonaRows rows() {
        return Beans.bean(PersonaRows.class);
    }

    /** In the container only: JUnit makes the test instance on the client side too. */
    private static KeyRotationsHeard rotations() {
        return Beans.bean(KeyRotationsHeard.class);
    }

    /** In the container only: JUnit makes the test instance on the client side too. */
    private static HostConfiguration configuration() {
        return Beans.bean(HostConfiguration.class);
    }

    @Test
    void theStartupSingletonMadeTheFirstPersonaWhoseSealedKeySigns() throws Exception {
        Persona first = identities().personas().get(0);
        assertEquals("Persona", first.name());
        byte[] signature = identities().sign(first.id(), first.publicKey(), MESSAGE);
        assertTrue(Signatures.verify(first.publicKey(), MESSAGE, signature));
        assertFalse(Signatures.verify(first.publicKey(), "another message".getBytes(StandardCharsets.UTF_8),
                signature));

        byte[] sealed = rows().sealedPrivateKey(first.id());
        assertTrue(sealed.length > 32, "a sealed seed carries a nonce and a tag, " + sealed.length + " bytes");
        assertFalse(Arrays.equals(sealed, first.publicKey()));
        byte[] kek = Files.readAllBytes(KeyEncryptionKey.file(configuration().dataDirectory()));
        assertEquals(32, kek.length, "the key-encryption key in the data directory");
    }

    @Test
    void aSealedKeyCopiedToAnotherPersonaDoesNotOpen() {
        Persona alice = identities().create("Alice " + UUID.randomUUID());
        Persona bob = identities().create("Bob " + UUID.randomUUID());
        rows().copySealedKey(alice.id(), bob.id());

        EJBException refused = assertThrows(EJBException.class,
                () -> identities().sign(bob.id(), bob.publicKey(), MESSAGE));
        assertTrue(causes(refused).contains("does not open with the key-encryption key"), causes(refused));
        assertTrue(Signatures.verify(alice.publicKey(), MESSAGE, identities().sign(alice.id(), alice.publicKey(),
                MESSAGE)), "the original row still signs");
    }

    @Test
    void aRotatedKeySignsDuringItsGraceAndObserversHearTheRotation() {
        Persona carol = identities().create("Carol " + UUID.randomUUID());
        byte[] oldKey = carol.publicKey();

        byte[] newKey = identities().rotate(carol.id(), Duration.ofHours(1));
        assertTrue(Signatures.verify(newKey, MESSAGE, identities().sign(carol.id(), newKey, MESSAGE)));
        assertTrue(Signatures.verify(oldKey, MESSAGE, identities().sign(carol.id(), oldKey, MESSAGE)),
                "the old key signs during its grace period");
        PersonaKeyRotated heard = rotations().all().stream().filter(r -> r.personaId().equals(carol.id()))
                .findFirst().orElseThrow();
        assertArrayEquals(oldKey, heard.oldPublicKey());
        assertArrayEquals(newKey, heard.newPublicKey());

        byte[] newest = identities().rotate(carol.id(), Duration.ZERO);
        assertThrows(NotAPersonaKeyException.class, () -> identities().sign(carol.id(), oldKey, MESSAGE),
                "a key two rotations old");
        assertThrows(NotAPersonaKeyException.class, () -> identities().sign(carol.id(), newKey, MESSAGE),
                "a key rotated with no grace");
        assertTrue(Signatures.verify(newest, MESSAGE, identities().sign(carol.id(), newest, MESSAGE)));
    }

    private static String causes(Throwable error) {
        StringBuilder messages = new StringBuilder();
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            messages.append(cause).append('\n');
        }
        return messages.toString();
    }
}

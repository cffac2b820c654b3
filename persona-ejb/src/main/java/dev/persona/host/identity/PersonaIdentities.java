package dev.persona.host.identity;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.logging.Logger;

import dev.persona.host.config.HostConfiguration;
import dev.persona.server.KeyEncryptionKey;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

/**
 * Owns the personas' keys: makes the first persona and its key pair at the first start, signs on a persona's
 * behalf with the key a phone knows (the current one, or the previous one during its grace period after a
 * rotation), and rotates keys. No method returns a private key.
 */
@Singleton
@Startup
@Lock(LockType.READ)
public class PersonaIdentities {

    static final String FIRST_PERSONA_NAME = "Persona";
    private static final Logger LOG = Logger.getLogger(PersonaIdentities.class.getName());

    @PersistenceContext(unitName = "persona")
    private EntityManager entityManager;

    @Inject
    private HostConfiguration configuration;

    @Inject
    private Event<PersonaKeyRotated> rotations;

    private KeyEncryptionKey kek;

    @PostConstruct
    void openKeys() {
        long personas = entityManager.createQuery("select count(p) from Persona p", Long.class).getSingleResult();
        kek = KeyEncryptionKey.load(configuration.dataDirectory(), personas == 0);
        if (personas == 0) {
            Persona first = create(FIRST_PERSONA_NAME);
            LOG.info(() -> "Created the first persona '" + first.name() + "' with a new Ed25519 key.");
        }
    }

    /** Every persona, oldest first. */
    public List<Persona> personas() {
        return entityManager.createQuery("select p from Persona p order by p.createdAt", Persona.class)
                .getResultList();
    }

    public Persona persona(UUID id) {
        Persona persona = entityManager.find(Persona.class, id);
        if (persona == null) {
            throw new IllegalArgumentException("No persona " + id);
        }
        return persona;
    }

    @Lock(LockType.WRITE)
    public Persona create(String name) {
        Instant now = Instant.now();
        Persona persona = new Persona(UUID.randomUUID(), name, now);
        Ed25519KeyPair.Sealed keys = Ed25519KeyPair.generate(kek, persona.id());
        persona.installKey(keys.publicKey(), keys.sealedPrivateKey(), now);
        entityManager.persist(persona);
        return persona;
    }

    /**
     * Renames the persona and sets its system prompt (blank: the host's default) and console colour
     * ({@code #rrggbb}, or blank). Phones connected now keep the prompt they started with.
     *
     * @throws InvalidPersonaException naming what is wrong
     */
    @Lock(LockType.WRITE)
    public Persona describe(UUID personaId, String name, String systemPrompt, String colour) {
        String cleanName = name == null ? "" : name.strip();
        if (cleanName.isEmpty() || cleanName.length() > 100) {
            throw new InvalidPersonaException("A persona's name needs 1 to 100 characters.");
        }
        String prompt = systemPrompt == null || systemPrompt.isBlank() ? null : systemPrompt.strip();
        if (prompt != null && prompt.length() > 8000) {
            throw new InvalidPersonaException("A system prompt may have at most 8000 characters.");
        }
        String cleanColour = colour == null || colour.isBlank() ? null : colour.strip().toLowerCase(Locale.ROOT);
        if (cleanColour != null && !cleanColour.matches("#[0-9a-f]{6}")) {
            throw new InvalidPersonaException("A colour is written #rrggbb, e.g. #3b82f6.");
        }
        boolean taken = entityManager.createQuery("select count(p) from Persona p where p.name = :name and p.id <> :id",
                Long.class).setParameter("name", cleanName).setParameter("id", personaId).getSingleResult() > 0;
        if (taken) {
            throw new InvalidPersonaException("Another persona is already called " + cleanName + ".");
        }
        Persona persona = persona(personaId);
        persona.describe(cleanName, prompt, cleanColour);
        return persona;
    }

    /**
     * Signs {@code message} as the persona, with the key whose public half is {@code publicKey}: the current key,
     * or the previous one while its grace period lasts.
     *
     * @throws NotAPersonaKeyException when {@code publicKey} is not (or no longer) one of the persona's keys
     */
    public byte[] sign(UUID personaId, byte[] publicKey, byte[] message) {
        Persona persona = persona(personaId);
        if (Arrays.equals(persona.publicKey(), publicKey)) {
            return Ed25519KeyPair.sign(kek, personaId, publicKey, persona.sealedPrivateKey(), message);
        }
        byte[] previous = persona.previousPublicKey(Instant.now());
        if (previous != null && Arrays.equals(previous, publicKey)) {
            return Ed25519KeyPair.sign(kek, personaId, publicKey, persona.previousSealedPrivateKey(), message);
        }
        throw new NotAPersonaKeyException("The key is not a current key of persona " + persona.name());
    }

    /** Gives the persona a new key; the old one keeps signing for {@code grace}. Returns the new public key. */
    @Lock(LockType.WRITE)
    public byte[] rotate(UUID personaId, Duration grace) {
        Persona persona = persona(personaId);
        Instant now = Instant.now();
        Ed25519KeyPair.Sealed keys = Ed25519KeyPair.generate(kek, personaId);
        byte[] oldPublicKey = persona.publicKey();
        persona.rotateKey(keys.publicKey(), keys.sealedPrivateKey(), now, now.plus(grace));
        rotations.fire(new PersonaKeyRotated(personaId, keys.publicKey(), oldPublicKey, now.plus(grace)));
        LOG.info(() -> "Rotated the key of persona '" + persona.name() + "'; the old key stays valid until "
                + now.plus(grace) + ".");
        return keys.publicKey();
    }
}

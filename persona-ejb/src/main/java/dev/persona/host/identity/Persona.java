package dev.persona.host.identity;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One persona of this host: a name, the system prompt the host applies, and its Ed25519 identity. After a
 * rotation the previous key stays usable until {@code previousKeyValidUntil}, so paired phones can move over.
 * Private keys are stored sealed by the {@link dev.persona.server.KeyEncryptionKey}; this entity never exposes them.
 */
@Entity
@Table(name = "persona")
public class Persona {

    @Id
    private UUID id;

    @Column(nullable = false, unique = true, length = 100)
    private String name;

    @Column(name = "system_prompt", length = 8000)
    private String systemPrompt;

    /** The console's colour for the persona, {@code #rrggbb}; null: the default. */
    @Column(length = 7)
    private String colour;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "public_key", nullable = false, length = 32)
    private byte[] publicKey;

    @Column(name = "sealed_private_key", nullable = false, length = 128)
    private byte[] sealedPrivateKey;

    @Column(name = "key_created_at", nullable = false)
    private Instant keyCreatedAt;

    @Column(name = "previous_public_key", length = 32)
    private byte[] previousPublicKey;

    @Column(name = "previous_sealed_private_key", length = 128)
    private byte[] previousSealedPrivateKey;

    @Column(name = "previous_key_valid_until")
    private Instant previousKeyValidUntil;

    protected Persona() {
    }

    Persona(UUID id, String name, Instant now) {
        this.id = id;
        this.name = name;
        this.createdAt = now;
    }

    void describe(String newName, String newSystemPrompt, String newColour) {
        this.name = newName;
        this.systemPrompt = newSystemPrompt;
        this.colour = newColour;
    }

    void installKey(byte[] newPublicKey, byte[] newSealedPrivateKey, Instant now) {
        this.publicKey = newPublicKey.clone();
        this.sealedPrivateKey = newSealedPrivateKey.clone();
        this.keyCreatedAt = now;
    }

    void rotateKey(byte[] newPublicKey, byte[] newSealedPrivateKey, Instant now, Instant oldKeyValidUntil) {
        this.previousPublicKey = publicKey;
        this.previousSealedPrivateKey = sealedPrivateKey;
        this.previousKeyValidUntil = oldKeyValidUntil;
        installKey(newPublicKey, newSealedPrivateKey, now);
    }

    public UUID id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String systemPrompt() {
        return systemPrompt;
    }

    public String colour() {
        return colour;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    public Instant keyCreatedAt() {
        return keyCreatedAt;
    }

    /** The key before the last rotation, while it is still accepted; null otherwise. */
    public byte[] previousPublicKey(Instant now) {
        return previousPublicKey != null && previousKeyValidUntil.isAfter(now) ? previousPublicKey.clone() : null;
    }

    public Instant previousKeyValidUntil() {
        return previousKeyValidUntil;
    }

    byte[] sealedPrivateKey() {
        return sealedPrivateKey;
    }

    byte[] previousSealedPrivateKey() {
        return previousSealedPrivateKey;
    }
}

package dev.persona.host.devices;

import java.time.Instant;
import java.util.UUID;

import dev.persona.host.NullableUuidColumn;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A one-time invite to pair a phone with a persona. Only the SHA-256 of its code is stored, so the database does
 * not hold usable invites.
 */
@Entity
@Table(name = "invite")
public class Invite {

    @Id
    @Column(name = "code_hash", length = 32)
    private byte[] codeHash;

    @Column(name = "persona_id", nullable = false)
    private UUID personaId;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;

    @Column(name = "used_at")
    private Instant usedAt;

    @Column(name = "used_by_device")
    @Convert(converter = NullableUuidColumn.class)
    private UUID usedByDevice;

    protected Invite() {
    }

    Invite(byte[] codeHash, UUID personaId, Instant createdAt, Instant expiresAt) {
        this.codeHash = codeHash.clone();
        this.personaId = personaId;
        this.createdAt = createdAt;
        this.expiresAt = expiresAt;
    }

    void markUsed(UUID device, Instant now) {
        this.usedAt = now;
        this.usedByDevice = device;
    }

    Admission.InviteState state(UUID forPersona) {
        return new Admission.InviteState(true, expiresAt, usedAt != null, personaId.equals(forPersona));
    }

    public UUID personaId() {
        return personaId;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    public Instant usedAt() {
        return usedAt;
    }
}

package dev.persona.host.devices;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;

/** A phone known to a persona, identified by its Ed25519 public key. */
@Entity
@Table(name = "device", uniqueConstraints = @UniqueConstraint(columnNames = {"persona_id", "public_key"}))
public class Device {

    static final int MAX_NAME_LENGTH = 120;

    @Id
    private UUID id;

    @Column(name = "persona_id", nullable = false)
    private UUID personaId;

    @Column(name = "public_key", nullable = false, length = 32)
    private byte[] publicKey;

    @Column(name = "display_name", nullable = false, length = MAX_NAME_LENGTH)
    private String displayName;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    private DeviceStatus status;

    @Column(name = "first_seen", nullable = false)
    private Instant firstSeen;

    @Column(name = "last_seen", nullable = false)
    private Instant lastSeen;

    protected Device() {
    }

    Device(UUID personaId, byte[] publicKey, String displayName, DeviceStatus status, Instant now) {
        this.id = UUID.randomUUID();
        this.personaId = personaId;
        this.publicKey = publicKey.clone();
        this.displayName = shorten(displayName);
        this.status = status;
        this.firstSeen = now;
        this.lastSeen = now;
    }

    void seen(Instant now) {
        lastSeen = now;
    }

    void status(DeviceStatus newStatus) {
        status = newStatus;
    }

    void rename(String newName) {
        displayName = shorten(newName);
    }

    static String shorten(String name) {
        String clean = name == null || name.isBlank() ? "Phone" : name.strip().replaceAll("\\p{Cntrl}", " ");
        return clean.length() <= MAX_NAME_LENGTH ? clean : clean.substring(0, MAX_NAME_LENGTH - 1) + "…";
    }

    public UUID id() {
        return id;
    }

    public UUID personaId() {
        return personaId;
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    public String displayName() {
        return displayName;
    }

    public DeviceStatus status() {
        return status;
    }

    public Instant firstSeen() {
        return firstSeen;
    }

    public Instant lastSeen() {
        return lastSeen;
    }
}

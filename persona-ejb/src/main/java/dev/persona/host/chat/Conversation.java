package dev.persona.host.chat;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One conversation of one phone with one persona. */
@Entity
@Table(name = "conversation")
public class Conversation {

    static final int TITLE_LENGTH = 80;

    @Id
    private UUID id;

    @Column(name = "persona_id", nullable = false)
    private UUID personaId;

    @Column(name = "device_id", nullable = false)
    private UUID deviceId;

    @Column(nullable = false, length = TITLE_LENGTH)
    private String title;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Column(name = "message_count", nullable = false)
    private int messageCount;

    protected Conversation() {
    }

    Conversation(UUID id, UUID personaId, UUID deviceId, String firstText, Instant now) {
        this.id = id;
        this.personaId = personaId;
        this.deviceId = deviceId;
        String line = firstText.strip().replaceAll("\\s+", " ");
        this.title = line.length() <= TITLE_LENGTH ? line : line.substring(0, TITLE_LENGTH - 1) + "…";
        this.createdAt = now;
        this.updatedAt = now;
    }

    int nextSequence(Instant now) {
        updatedAt = now;
        return messageCount++;
    }

    public UUID id() {
        return id;
    }

    public UUID personaId() {
        return personaId;
    }

    public UUID deviceId() {
        return deviceId;
    }

    public String title() {
        return title;
    }

    public Instant updatedAt() {
        return updatedAt;
    }
}

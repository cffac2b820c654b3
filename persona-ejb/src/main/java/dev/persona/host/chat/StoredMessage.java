package dev.persona.host.chat;

import java.time.Instant;
import java.util.UUID;

import dev.persona.llama.ChatRole;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Lob;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;

/** One message of a conversation, in order. */
@Entity
@Table(name = "chat_message", uniqueConstraints = @UniqueConstraint(columnNames = {"conversation_id", "sequence"}))
public class StoredMessage {

    @Id
    private UUID id;

    @Column(name = "conversation_id", nullable = false)
    private UUID conversationId;

    @Column(nullable = false)
    private int sequence;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    private ChatRole role;

    @Lob
    @Column(nullable = false)
    private String text;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected StoredMessage() {
    }

    StoredMessage(UUID conversationId, int sequence, ChatRole role, String text, Instant now) {
        this.id = UUID.randomUUID();
        this.conversationId = conversationId;
        this.sequence = sequence;
        this.role = role;
        this.text = text;
        this.createdAt = now;
    }

    public ChatRole role() {
        return role;
    }

    public String text() {
        return text;
    }

    public Instant createdAt() {
        return createdAt;
    }
}

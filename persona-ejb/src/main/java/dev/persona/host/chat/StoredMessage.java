package dev.persona.host.chat;

import java.time.Instant;
import java.util.UUID;

import dev.persona.llama.ChatRole;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;

/**
 * One message of a conversation, in order. An answer is stored as soon as its turn is (empty, {@link State#ANSWERING}),
 * saved again while it streams, and completed at its end; one the host's crash cut off is marked
 * {@link State#INTERRUPTED} at the next start, with what was saved of it.
 */
@Entity
@Table(name = "chat_message", uniqueConstraints = @UniqueConstraint(columnNames = {"conversation_id", "sequence"}))
public class StoredMessage {

    /**
     * The longest {@code varchar} Hibernate makes on H2 (beyond it, a CLOB): the mapping stays a character string,
     * which Hibernate's validation finds in both databases' columns (schema V3). Any message is far shorter.
     */
    private static final int MAX_TEXT = 1_048_576;

    @Id
    private UUID id;

    @Column(name = "conversation_id", nullable = false)
    private UUID conversationId;

    @Column(nullable = false)
    private int sequence;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    private ChatRole role;

    /** Text, not a LOB: {@code CHARACTER VARYING} on H2, {@code text} on PostgreSQL (schema V3). */
    @Column(nullable = false, length = MAX_TEXT)
    private String text;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    private State state;

    /** Where a message stands: the person's messages and finished answers are complete. */
    public enum State {
        /** The answer is streaming; its text is what was saved so far. */
        ANSWERING,
        COMPLETE,
        /** The host stopped (crashed, was killed) during the answer: its text is what was saved before. */
        INTERRUPTED
    }

    protected StoredMessage() {
    }

    StoredMessage(UUID conversationId, int sequence, ChatRole role, String text, Instant now) {
        this(conversationId, sequence, role, text, now, State.COMPLETE);
    }

    StoredMessage(UUID conversationId, int sequence, ChatRole role, String text, Instant now, State state) {
        this.id = UUID.randomUUID();
        this.state = state;
        this.conversationId = conversationId;
        this.sequence = sequence;
        this.role = role;
        this.text = text;
        this.createdAt = now;
    }

    UUID id() {
        return id;
    }

    public State state() {
        return state;
    }

    /** The answer's text as far as it got ({@code complete}: all of it), stored at {@code now}. */
    void answer(String text, boolean complete, Instant now) {
        this.text = text;
        this.createdAt = now;
        if (complete) {
            this.state = State.COMPLETE;
        }
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

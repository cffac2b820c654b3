package dev.persona.host.tools;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A reminder the model set for the phone it was talking to (scheduler plugin); fired once at {@code due}. */
@Entity
@Table(name = "reminder", indexes = {@Index(columnList = "state, due"), @Index(columnList = "device_id, state")})
public class Reminder {

    @Id
    @GeneratedValue
    private Long id;

    @Column(name = "persona_id", nullable = false)
    private UUID personaId;

    @Column(name = "device_id", nullable = false)
    private UUID deviceId;

    @Column(nullable = false, length = 600)
    private String text;

    @Column(nullable = false)
    private Instant due;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    private ReminderState state;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "fired_at")
    private Instant firedAt;

    @Column(name = "delivered_at")
    private Instant deliveredAt;

    protected Reminder() {
    }

    Reminder(UUID personaId, UUID deviceId, String text, Instant due, Instant now) {
        this.personaId = personaId;
        this.deviceId = deviceId;
        this.text = text;
        this.due = due;
        this.state = ReminderState.PENDING;
        this.createdAt = now;
    }

    public long id() {
        return id;
    }

    public UUID personaId() {
        return personaId;
    }

    public UUID deviceId() {
        return deviceId;
    }

    public String text() {
        return text;
    }

    public Instant due() {
        return due;
    }

    public ReminderState state() {
        return state;
    }

    void fired(Instant now) {
        state = ReminderState.FIRED;
        firedAt = now;
    }

    void delivered(Instant now) {
        state = ReminderState.DELIVERED;
        deliveredAt = now;
    }

    void cancelled() {
        state = ReminderState.CANCELLED;
    }
}

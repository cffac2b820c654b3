package dev.persona.host.installation;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The one row that says which installation this database belongs to and how often it has started. */
@Entity
@Table(name = "installation")
public class Installation {

    @Id
    private UUID id;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "start_count", nullable = false)
    private long startCount;

    @Column(name = "last_started_at", nullable = false)
    private Instant lastStartedAt;

    protected Installation() {
    }

    Installation(UUID id, Instant createdAt) {
        this.id = id;
        this.createdAt = createdAt;
        this.lastStartedAt = createdAt;
    }

    void recordStart(Instant now) {
        startCount++;
        lastStartedAt = now;
    }

    public UUID id() {
        return id;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public long startCount() {
        return startCount;
    }

    public Instant lastStartedAt() {
        return lastStartedAt;
    }
}

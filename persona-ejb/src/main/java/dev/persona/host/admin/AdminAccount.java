package dev.persona.host.admin;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The console login. Elytron's JDBC realm reads this table directly (persona.cli): {@code password_hash} is a bcrypt
 * modular-crypt string ({@code $2a$<cost>$<salt+hash>}), {@code role} the role the console requires. The
 * password is checked by {@link ConsoleAccount#signIn}, which also keeps the lockout (per source address, in memory).
 */
@Entity
@Table(name = "admin_account")
public class AdminAccount {

    @Id
    @Column(length = 64)
    private String name;

    @Column(name = "password_hash", nullable = false, length = 100)
    private String passwordHash;

    @Column(nullable = false, length = 32)
    private String role;

    @Column(name = "changed_at", nullable = false)
    private Instant changedAt;

    protected AdminAccount() {
    }

    AdminAccount(String name, String role, String passwordHash, Instant now) {
        this.name = name;
        this.role = role;
        this.passwordHash = passwordHash;
        this.changedAt = now;
    }

    void passwordHash(String hash, Instant now) {
        this.passwordHash = hash;
        this.changedAt = now;
    }

    String passwordHash() {
        return passwordHash;
    }

    public String name() {
        return name;
    }

    public Instant changedAt() {
        return changedAt;
    }
}

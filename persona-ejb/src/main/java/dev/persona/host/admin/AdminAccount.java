package dev.persona.host.admin;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The console login. Elytron's JDBC realm reads this table directly (persona.cli): {@code password_hash} is a bcrypt
 * modular-crypt string ({@code $2a$<cost>$<salt+hash>}), {@code role} the role the console requires; while
 * {@code locked_until} lies ahead the realm finds no account, so every login fails, the right password's too.
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

    /** Failed logins in a row since the last success or lock. */
    @Column(name = "failed_logins")
    private Integer failedLogins;

    @Column(name = "locked_until")
    private Instant lockedUntil;

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

    /** Counts a failed login; at {@code max} in a row the account locks until {@code now + lockout}. */
    boolean failedLogin(int max, Instant lockUntil) {
        int failures = (failedLogins == null ? 0 : failedLogins) + 1;
        if (failures >= max) {
            failedLogins = 0;
            lockedUntil = lockUntil;
            return true;
        }
        failedLogins = failures;
        return false;
    }

    void succeededLogin() {
        failedLogins = 0;
    }

    Instant lockedUntil() {
        return lockedUntil;
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

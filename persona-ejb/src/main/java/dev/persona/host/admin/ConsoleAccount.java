package dev.persona.host.admin;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The console's one account, {@value #USER}. At every start: with {@code persona.admin.password}
 * ({@code PERSONA_ADMIN_PASSWORD}) set, that becomes the password (also the way to reset a forgotten one); otherwise
 * the first start generates one and logs it once. The password is stored only as a bcrypt hash; the owner changes
 * it in the console.
 */
@Singleton
@Startup
public class ConsoleAccount {

    public static final String USER = "admin";
    /** The role the console's pages require (web.xml) and the realm grants (persona.cli). */
    public static final String ROLE = "console";
    static final int MIN_LENGTH = 12;
    private static final Logger LOG = Logger.getLogger(ConsoleAccount.class.getName());
    private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    @PersistenceContext(unitName = "persona")
    private EntityManager entityManager;

    @Inject
    @ConfigProperty(name = "persona.admin.password")
    private Optional<String> configuredPassword;

    @Inject
    @ConfigProperty(name = "persona.admin.max.failed.logins", defaultValue = "5")
    private int maxFailedLogins;

    @Inject
    @ConfigProperty(name = "persona.admin.lockout.minutes", defaultValue = "5")
    private int lockoutMinutes;

    @PostConstruct
    void ensureAccount() {
        AdminAccount account = entityManager.find(AdminAccount.class, USER);
        Instant now = Instant.now();
        String configured = configuredPassword.filter(p -> !p.isEmpty()).orElse(null);
        if (configured != null) {
            check(configured);
            if (account == null) {
                entityManager.persist(new AdminAccount(USER, ROLE, PasswordHash.of(configured), now));
            } else if (!PasswordHash.matches(account.passwordHash(), configured)) {
                account.passwordHash(PasswordHash.of(configured), now);
            }
            LOG.info(() -> "The console password of '" + USER + "' is the one PERSONA_ADMIN_PASSWORD sets.");
            return;
        }
        if (account == null) {
            String generated = generate();
            entityManager.persist(new AdminAccount(USER, ROLE, PasswordHash.of(generated), now));
            LOG.warning(() -> "Console login (shown only this once): user '" + USER + "', password '" + generated
                    + "'. Change it in the console under Account, or set PERSONA_ADMIN_PASSWORD.");
        }
    }

    /**
     * Replaces the password after checking the current one.
     *
     * @return false when {@code current} is wrong (nothing changes)
     * @throws WeakPasswordException when the new password breaks a rule
     */
    public boolean changePassword(String current, String replacement) {
        AdminAccount account = entityManager.find(AdminAccount.class, USER);
        if (account == null || !PasswordHash.matches(account.passwordHash(), current)) {
            return false;
        }
        check(replacement);
        account.passwordHash(PasswordHash.of(replacement), Instant.now());
        LOG.info(() -> "The console password of '" + USER + "' was changed in the console.");
        return true;
    }

    /**
     * A login failed (the web module sees the login form's error page). The {@code max}-th failure in a row locks the
     * account for the lockout time: WildFly 38's Elytron has no brute-force protection of its own, so the realm's
     * query (persona.cli) skips a locked account.
     */
    public void loginFailed(String from) {
        AdminAccount account = entityManager.find(AdminAccount.class, USER);
        if (account == null) {
            return;
        }
        Instant until = Instant.now().plus(Duration.ofMinutes(lockoutMinutes));
        if (account.failedLogin(maxFailedLogins, until)) {
            LOG.warning(() -> maxFailedLogins + " failed console logins in a row (the last from " + from
                    + "): the console is locked until " + until + ". Sessions signed in before stay valid.");
        }
    }

    /** A login succeeded: the count of failures starts over. */
    public void loginSucceeded() {
        AdminAccount account = entityManager.find(AdminAccount.class, USER);
        if (account != null) {
            account.succeededLogin();
        }
    }

    /** Until when logins are refused, or null when they are not. */
    public Instant lockedUntil() {
        AdminAccount account = entityManager.find(AdminAccount.class, USER);
        Instant until = account == null ? null : account.lockedUntil();
        return until != null && until.isAfter(Instant.now()) ? until : null;
    }

    /** Failed logins in a row that lock the console. */
    public int maxFailedLogins() {
        return maxFailedLogins;
    }

    /** How long a lock lasts. */
    public int lockoutMinutes() {
        return lockoutMinutes;
    }

    /** When the password was last set. */
    public Instant passwordChangedAt() {
        AdminAccount account = entityManager.find(AdminAccount.class, USER);
        return account == null ? null : account.changedAt();
    }

    static void check(String password) {
        if (password == null || password.length() < MIN_LENGTH) {
            throw new WeakPasswordException("The password needs at least " + MIN_LENGTH + " characters.");
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > PasswordHash.MAX_BYTES) {
            throw new WeakPasswordException("The password may have at most " + PasswordHash.MAX_BYTES
                    + " bytes (bcrypt ignores the rest).");
        }
        if (password.isBlank() || password.chars().distinct().count() < 4) {
            throw new WeakPasswordException("The password needs more than a few different characters.");
        }
    }

    /** 20 random characters (about 100 bits) in groups of five, easy to type from the log. */
    static String generate() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            if (i > 0 && i % 5 == 0) {
                text.append('-');
            }
            text.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return text.toString();
    }
}

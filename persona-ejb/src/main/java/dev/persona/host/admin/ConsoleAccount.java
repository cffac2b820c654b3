package dev.persona.host.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import dev.persona.host.config.HostConfiguration;
import dev.persona.server.ConfiguredSettings;
import dev.persona.server.DataDirectory;
import dev.persona.settings.Setting;

/**
 * The console's one account, {@value #USER}. At every start: with {@code persona.admin.password}
 * ({@code PERSONA_ADMIN_PASSWORD}) set, that becomes the password (also the way to reset a forgotten one); otherwise
 * the first start generates one and hands it to the launcher, which prints it once, through the owner-only file
 * {@value #FIRST_PASSWORD_FILE} in the data directory's {@code run/} (never through a log). The password is stored only as a bcrypt hash; the owner changes
 * it in the console. Sign-ins are checked here, and only here ({@link #signIn}); wrong passwords lock the address they
 * come from ({@link SourceLockout}), never the account, so a stranger cannot lock the owner out.
 */
@Singleton
@Startup
public class ConsoleAccount {

    public static final String USER = "admin";
    /** The role the console's pages require (web.xml) and the realm grants (persona.cli). */
    public static final String ROLE = "console";
    static final int MIN_LENGTH = 12;
    /** In {@code run/}: the generated password until {@code ./persona start} has printed it (and deleted the file). */
    static final String FIRST_PASSWORD_FILE = "console-login.txt";
    private static final Logger LOG = Logger.getLogger(ConsoleAccount.class.getName());
    private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    @PersistenceContext(unitName = "persona")
    private EntityManager entityManager;

    /** Set, it replaces the stored password at every start. */
    static final Setting<String> PASSWORD = Setting.secret("persona.admin.password");

    @Inject
    private ConfiguredSettings settings;

    @Inject
    private HostConfiguration configuration;

    private SourceLockout lockout;

    /** How a sign-in ended. */
    public enum SignIn {
        SIGNED_IN,
        /** A wrong user name or password. */
        REFUSED,
        /** The source address is locked: the password was not checked (or this failure locked it). */
        LOCKED
    }

    @PostConstruct
    void ensureAccount() {
        lockout = SourceLockout.from(settings);
        LOG.info(() -> "Console sign-in: " + lockout.maxFailures()
                + " wrong passwords in a row lock their address for " + lockout.lockout().toMinutes()
                + " minutes, each further lock twice as long up to "
                + lockout.maxLock().toMinutes() + " minutes (" + SourceLockout.MAX_FAILED_LOGINS + ", "
                + SourceLockout.LOCKOUT_MINUTES + ", " + SourceLockout.MAX_LOCKOUT_MINUTES + ").");
        AdminAccount account = entityManager.find(AdminAccount.class, USER);
        Instant now = Instant.now();
        String configured = settings.get(PASSWORD);
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
            handOver(generated);
        }
    }

    /** Writes the generated password where only the launcher reads it; the log says where, never what. */
    private void handOver(String generated) {
        Path file = configuration.dataDirectory().run().resolve(FIRST_PASSWORD_FILE);
        String line = "Console login (shown only this once): user '" + USER + "', password '" + generated
                + "'. Change it in the console under Account, or set PERSONA_ADMIN_PASSWORD.\n";
        try {
            DataDirectory.writeSecretFile(file, line.getBytes(StandardCharsets.UTF_8));
            LOG.warning(() -> "A console password was generated for '" + USER + "': ./persona start prints it once ("
                    + "from " + file + ", owner-only, deleted once printed). Forgotten? Start with "
                    + "PERSONA_ADMIN_PASSWORD set.");
        } catch (IOException e) {
            LOG.severe(() -> "Could not write the generated console password to " + file + " (" + e.getMessage()
                    + "); it is not logged: start with PERSONA_ADMIN_PASSWORD set to choose one.");
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
     * Checks a sign-in from {@code source} (the client's address). While the source is locked, no password is
     * checked; the {@code max}-th wrong one in a row locks it. Runs beside other calls: bcrypt takes a while.
     */
    @Lock(LockType.READ)
    public SignIn signIn(String user, String password, String source) {
        SourceLockout.Attempt attempt = lockout.attempt(source, Instant.now());
        if (attempt == null) {
            return SignIn.LOCKED;
        }
        AdminAccount account = entityManager.find(AdminAccount.class, USER);
        boolean right = account != null && password != null && PasswordHash.matches(account.passwordHash(), password)
                && USER.equals(user);
        if (right) {
            lockout.succeeded(source);
            return SignIn.SIGNED_IN;
        }
        Instant until = attempt.locksUntil();
        if (until == null) {
            return SignIn.REFUSED;
        }
        LOG.warning(() -> lockout.maxFailures() + " failed console logins in a row from " + source
                + ": that address may not sign in until " + until + " (each further lock lasts twice as long, up to "
                + lockout.maxLock().toMinutes() + " minutes). Other addresses and sessions signed in before are not"
                + " affected.");
        return SignIn.LOCKED;
    }

    /** Until when {@code source} may not sign in, or null when it may. */
    @Lock(LockType.READ)
    public Instant lockedUntil(String source) {
        return lockout.lockedUntil(source, Instant.now());
    }

    /** Failed logins in a row that lock their source address. */
    @Lock(LockType.READ)
    public int maxFailedLogins() {
        return lockout.maxFailures();
    }

    /** How long the first lock of an address lasts. */
    @Lock(LockType.READ)
    public int lockoutMinutes() {
        return (int) lockout.lockout().toMinutes();
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

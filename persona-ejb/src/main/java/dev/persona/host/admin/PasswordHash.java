package dev.persona.host.admin;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * bcrypt in the modular-crypt form Elytron's {@code modular-crypt-mapper} reads ({@code $2a$}), made with
 * BouncyCastle (already in the EAR) so the application needs no access to Elytron's internal API.
 */
final class PasswordHash {

    /** 2^11 rounds: about 0.1–0.3 s per check on a small machine, for each login and each change. */
    static final int COST = 11;
    /** bcrypt reads at most 72 bytes of a password. */
    static final int MAX_BYTES = 72;
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordHash() {
    }

    static String of(String password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return OpenBSDBCrypt.generate("2a", password.toCharArray(), salt, COST);
    }

    static boolean matches(String hash, String password) {
        return password != null && password.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES
                && OpenBSDBCrypt.checkPassword(hash, password.toCharArray());
    }
}

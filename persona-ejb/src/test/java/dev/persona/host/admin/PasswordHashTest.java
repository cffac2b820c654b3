package dev.persona.host.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PasswordHashTest {

    @Test
    void hashesInTheModularCryptFormElytronReadsAndChecksThem() {
        String hash = PasswordHash.of("correct horse battery");
        assertTrue(hash.matches("\\$2a\\$11\\$[./A-Za-z0-9]{53}"), hash);
        assertTrue(PasswordHash.matches(hash, "correct horse battery"));
        assertFalse(PasswordHash.matches(hash, "correct horse battery!"));
        assertFalse(PasswordHash.matches(hash, null));
        assertNotEquals(hash, PasswordHash.of("correct horse battery"), "a fresh salt each time");
    }

    @Test
    void generatedPasswordsAreLongRandomAndPassTheRules() {
        String password = ConsoleAccount.generate();
        assertEquals(23, password.length());
        assertTrue(password.matches("([a-z2-9]{5}-){3}[a-z2-9]{5}"), password);
        ConsoleAccount.check(password);
        assertNotEquals(password, ConsoleAccount.generate());
    }

    @Test
    void weakPasswordsAreRefusedWithTheRule() {
        assertThrows(WeakPasswordException.class, () -> ConsoleAccount.check("short"));
        assertThrows(WeakPasswordException.class, () -> ConsoleAccount.check("aaaaaaaaaaaaaaaa"));
        assertThrows(WeakPasswordException.class, () -> ConsoleAccount.check("x".repeat(40) + "é".repeat(20)));
        ConsoleAccount.check("a reasonable passphrase");
    }
}

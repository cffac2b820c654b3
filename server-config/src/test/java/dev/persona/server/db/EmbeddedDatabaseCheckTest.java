package dev.persona.server.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.persona.server.ConfigurationException;
import dev.persona.server.DataDirectory;

/**
 * On real H2 files: a new data directory and a migrated database pass; an empty, truncated or overwritten file
 * stops the start and stays byte for byte as it was (H2 alone would open the empty and the truncated one as a new,
 * empty database). A file held by another process is covered by LauncherErrorsIT (it needs a second process).
 */
class EmbeddedDatabaseCheckTest {

    @TempDir
    Path dataDir;

    private EmbeddedDatabaseCheck check() {
        return new EmbeddedDatabaseCheck(new DataDirectory(dataDir));
    }

    /** A migrated database, closed as the host leaves it; the bytes of its file. */
    private byte[] madeDatabase() throws Exception {
        DatabaseSettings database = DatabaseSettings.embedded(new DataDirectory(dataDir));
        new SchemaMigration(database).migrate();
        try (Connection db = DriverManager.getConnection(database.url(), database.user(), database.password());
                Statement statement = db.createStatement()) {
            statement.execute("SHUTDOWN");
        }
        return Files.readAllBytes(check().file());
    }

    @Test
    void aNewDataDirectoryAndAMigratedDatabasePass() throws Exception {
        check().requireOpenable();
        madeDatabase();

        check().requireOpenable();

        assertEquals(0, new SchemaMigration(DatabaseSettings.embedded(new DataDirectory(dataDir))).migrate()
                .applied(), "the checked database opens for the migration");
    }

    @Test
    void anEmptyFileIsRefusedAndNotReplaced() throws Exception {
        Files.createDirectories(check().file().getParent());
        Files.write(check().file(), new byte[0]);

        assertDamagedAndUnchanged(new byte[0]);
    }

    @Test
    void aTruncatedFileIsRefusedAndNotReplaced() throws Exception {
        byte[] whole = madeDatabase();
        byte[] truncated = Arrays.copyOf(whole, 10_000);
        Files.write(check().file(), truncated);

        assertDamagedAndUnchanged(truncated);
    }

    @Test
    void anOverwrittenFileIsRefusedAndNotReplaced() throws Exception {
        byte[] garbage = new byte[madeDatabase().length];
        new Random(17).nextBytes(garbage);
        Files.write(check().file(), garbage);

        assertDamagedAndUnchanged(garbage);
    }

    private void assertDamagedAndUnchanged(byte[] content) throws Exception {
        ConfigurationException refused = assertThrows(ConfigurationException.class, check()::requireOpenable);

        assertTrue(refused.getMessage().contains("cannot be opened"), refused.getMessage());
        assertTrue(refused.getMessage().contains("./persona restore"), refused.getMessage());
        assertArrayEquals(content, Files.readAllBytes(check().file()), "the file is left as it was");
        try (var files = Files.list(check().file().getParent())) {
            assertEquals(1, files.filter(f -> f.getFileName().toString().endsWith(".mv.db")).count());
        }
    }
}

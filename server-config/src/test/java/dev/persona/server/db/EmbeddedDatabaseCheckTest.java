package dev.persona.server.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.persona.server.ConfigurationException;
import dev.persona.server.DataDirectory;

/**
 * On real H2 files: a new data directory and a migrated database pass; an empty, truncated or overwritten file
 * stops the start and stays byte for byte as it was (H2 alone would open the empty and the truncated one as a new,
 * empty database). A file a second JVM holds open is refused as in use (LauncherErrorsIT checks the same through
 * the launcher).
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
    void aFileAnotherProcessHoldsIsRefusedAsInUse() throws Exception {
        madeDatabase();
        String url = DatabaseSettings.embedded(new DataDirectory(dataDir)).url();
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), HoldDatabase.class.getName(), url)
                .redirectErrorStream(true).start();
        try {
            BufferedReader output = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                    StandardCharsets.UTF_8));
            assertEquals("holding", output.readLine(), "the second JVM opened the database");

            ConfigurationException refused = assertThrows(ConfigurationException.class, check()::requireOpenable);

            assertTrue(refused.getMessage().contains("is in use by another process"), refused.getMessage());
        } finally {
            holder.getOutputStream().close();
            if (!holder.waitFor(60, TimeUnit.SECONDS)) {
                holder.destroyForcibly();
            }
        }
    }

    /** Run in a second JVM: opens the database for writing and holds it until its standard input closes. */
    public static final class HoldDatabase {
        public static void main(String[] arguments) throws Exception {
            try (Connection db = DriverManager.getConnection(arguments[0] + ";IFEXISTS=TRUE", "sa", "sa")) {
                System.out.println("holding");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // Held until the test closes our input.
                }
            } catch (SQLException e) {
                System.out.println("not opened: " + e.getMessage());
            }
        }
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

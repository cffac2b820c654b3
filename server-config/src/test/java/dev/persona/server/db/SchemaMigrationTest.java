package dev.persona.server.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.persona.server.ConfigurationException;
import dev.persona.server.DataDirectory;

/**
 * The migrations on real H2 files: a new database gets exactly the schema the released host made with hbm2ddl
 * (db/released/h2-schema.sql, dumped from it), then version 2 (each message's state) and 3 (the message text no
 * LOB), and a database made by the released host, with rows in every table, is taken over by Flyway and upgraded
 * to version 3 without losing or
 * changing one of them (its messages are complete).
 */
class SchemaMigrationTest {

    private static final String HISTORY = "flyway_schema_history";

    @TempDir
    Path dataDir;

    private DatabaseSettings database() {
        return DatabaseSettings.embedded(new DataDirectory(dataDir));
    }

    @Test
    void aNewDatabaseGetsTheReleasedSchemaThenVersions2And3() throws Exception {
        SchemaMigration.Outcome outcome = new SchemaMigration(database()).migrate();

        assertNull(outcome.from());
        assertEquals("3", outcome.to());
        assertEquals(3, outcome.applied());
        assertEquals("made at version 3 (3 migrations)", outcome.describe());
        try (Connection db = connect(database())) {
            assertEquals(List.of("1|SQL|true", "2|SQL|true", "3|SQL|true"), history(db));
            execute(db, "DROP TABLE \"" + HISTORY + "\"");
            SortedSet<String> migrated = schema(db);

            DatabaseSettings released = DatabaseSettings.embedded(new DataDirectory(dataDir.resolve("released")));
            try (Connection releasedDb = connect(released)) {
                execute(releasedDb, resource("db/released/h2-schema.sql"));
                execute(releasedDb, resource("db/migration/h2/V2__answer_state.sql"));
                execute(releasedDb, resource("db/migration/h2/V3__message_text.sql"));
                assertEquals(schema(releasedDb), migrated);
            }
        }
    }

    @Test
    void aDatabaseOfTheReleasedHostIsTakenOverWithEveryRow() throws Exception {
        Map<String, List<String>> before;
        try (Connection db = connect(database())) {
            execute(db, resource("db/released/h2-schema.sql"));
            execute(db, resource("db/released/h2-rows.sql"));
            before = everyRow(db);
        }
        before.forEach((table, rows) -> assertFalse(rows.isEmpty(), "the fixture has rows in " + table));
        assertEquals(13, before.size(), "10 tables and 3 sequences: " + before.keySet());

        SchemaMigration.Outcome outcome = new SchemaMigration(database()).migrate();

        assertEquals(2, outcome.applied(), "version 1 is not run on the released schema, versions 2 and 3 are");
        assertEquals("3", outcome.to());
        assertEquals("upgraded from version 1 to 3 (2 migrations)", outcome.describe());
        try (Connection db = connect(database())) {
            assertEquals(List.of("1|BASELINE|true", "2|SQL|true", "3|SQL|true"), history(db));
            Map<String, List<String>> after = everyRow(db);
            after.remove(HISTORY);
            Map<String, List<String>> expected = new LinkedHashMap<>(before);
            expected.put("CHAT_MESSAGE", before.get("CHAT_MESSAGE").stream().map(row -> row + "|COMPLETE").toList());
            assertEquals(expected, after, "every row kept (the texts too, no longer LOBs); the released messages "
                    + "are complete");
            assertEquals(List.of("CHARACTER VARYING"), rows(db, "SELECT DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS "
                    + "WHERE TABLE_NAME = 'CHAT_MESSAGE' AND COLUMN_NAME = 'TEXT'"));
        }
        assertEquals(0, new SchemaMigration(database()).migrate().applied(), "a second start migrates nothing");
    }

    @Test
    void aDatabaseOfANewerVersionStopsTheStart() throws Exception {
        new SchemaMigration(database()).migrate();
        try (Connection db = connect(database())) {
            execute(db, "INSERT INTO \"" + HISTORY + "\" (\"installed_rank\", \"version\", \"description\", \"type\", "
                    + "\"script\", \"checksum\", \"installed_by\", \"execution_time\", \"success\") VALUES (4, '4', "
                    + "'from the future', 'SQL', 'V4__from_the_future.sql', 1, 'SA', 1, TRUE)");
        }

        ConfigurationException refused = assertThrows(ConfigurationException.class,
                () -> new SchemaMigration(database()).migrate());

        assertTrue(refused.getMessage().contains("made by a newer version"), refused.getMessage());
        assertTrue(refused.getMessage().contains("4"), refused.getMessage());
    }

    @Test
    void thePasswordIsNeverShown() {
        DatabaseSettings postgres = new DatabaseSettings(DatabaseSettings.Vendor.POSTGRESQL,
                "jdbc:postgresql://localhost/persona", "persona", "s3cret-Pw");
        assertFalse(postgres.toString().contains("s3cret-Pw"), postgres.toString());
    }

    private static Connection connect(DatabaseSettings database) throws SQLException {
        return DriverManager.getConnection(database.url(), database.user(), database.password());
    }

    private static void execute(Connection db, String sql) throws SQLException {
        try (Statement statement = db.createStatement()) {
            for (String part : sql.split(";\\s*(\\n|$)")) {
                if (!part.strip().isEmpty() && !part.strip().lines().allMatch(line -> line.startsWith("--"))) {
                    statement.execute(part);
                }
            }
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = SchemaMigrationTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<String> history(Connection db) throws SQLException {
        // Flyway also records the making of its table, as a row without a version.
        return rows(db, "SELECT \"version\", \"type\", \"success\" FROM \"" + HISTORY
                + "\" WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"");
    }

    /**
     * The schema as H2 scripts it, less the names H2 makes up for primary keys (they differ between any two
     * databases), as a sorted set (the order of H2's script follows the order of creation).
     */
    private static SortedSet<String> schema(Connection db) throws SQLException {
        SortedSet<String> statements = new TreeSet<>();
        for (String statement : rows(db, "SCRIPT NODATA")) {
            if (!statement.startsWith("CREATE USER") && !statement.startsWith("-- ")) {
                statements.add(statement.replaceAll("\"CONSTRAINT_[0-9A-F]+\"", "\"CONSTRAINT_?\""));
            }
        }
        return statements;
    }

    /** Every row of every table, in primary-key order, and the next value of every sequence. */
    private static Map<String, List<String>> everyRow(Connection db) throws SQLException {
        Map<String, List<String>> all = new LinkedHashMap<>();
        for (String table : rows(db, "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = "
                + "'PUBLIC' ORDER BY TABLE_NAME")) {
            all.put(table, rows(db, "SELECT * FROM \"" + table + "\" ORDER BY 1"));
        }
        for (String sequence : rows(db, "SELECT SEQUENCE_NAME FROM INFORMATION_SCHEMA.SEQUENCES WHERE "
                + "SEQUENCE_SCHEMA = 'PUBLIC' ORDER BY SEQUENCE_NAME")) {
            all.put(sequence, rows(db, "SELECT BASE_VALUE, INCREMENT FROM INFORMATION_SCHEMA.SEQUENCES WHERE "
                    + "SEQUENCE_NAME = '" + sequence + "'"));
        }
        return all;
    }

    private static List<String> rows(Connection db, String query) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement statement = db.createStatement(); ResultSet result = statement.executeQuery(query)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    Object value = result.getObject(i);
                    values.add(value instanceof byte[] bytes ? Arrays.toString(bytes)
                            : value instanceof Clob clob ? clob.getSubString(1, (int) clob.length())
                            : String.valueOf(value));
                }
                rows.add(String.join("|", values));
            }
        }
        return rows;
    }
}

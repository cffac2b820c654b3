package dev.persona.it;

import dev.persona.testkit.Directories;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import dev.persona.server.DataDirectory;
import dev.persona.server.db.DatabaseSettings;
import dev.persona.server.db.SchemaMigration;
import dev.persona.testkit.PersonaHost;

/**
 * Schema version 3 on the database of this run (H2, or a real PostgreSQL 15 with -Dpersona.it.database=postgresql):
 * a database at version 2 whose messages hold plain, non-Latin and very long texts (on PostgreSQL in large objects,
 * as Hibernate wrote @Lob strings there) is upgraded, every text comes back unchanged as plain text, and on
 * PostgreSQL the large objects the rows named are gone. No host is started.
 */
class MessageTextMigrationIT {

    private static final List<String> TEXTS = List.of("Hello, how are you?", "Grüße, ☕ and 日本語 and 🙂",
            "long ".repeat(40_000));

    @Test
    void version3KeepsEveryMessageTextAsText() throws Exception {
        PersonaHost host = new PersonaHost(Path.of("target/it-data/migration-v3").toAbsolutePath());
        Directories.deleteRecursively(host.dataDirectory);
        DatabaseSettings database = settings(host);
        boolean postgres = database.vendor() == DatabaseSettings.Vendor.POSTGRESQL;
        Flyway.configure(SchemaMigration.class.getClassLoader())
                .dataSource(database.url(), database.user(), database.password())
                .locations(database.vendor().migrations()).target("2").load().migrate();
        UUID conversation = UUID.randomUUID();
        try (Connection db = host.openDatabase()) {
            db.setAutoCommit(false);
            // How Hibernate stored a @Lob string: on PostgreSQL a large object of its UTF-8 bytes.
            String text = postgres ? "lo_from_bytea(0, convert_to(?, 'UTF8'))" : "?";
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO chat_message (id, conversation_id, "
                    + "created_at, role, sequence, text, state) VALUES (?, ?, ?, 'USER', ?, " + text + ", 'COMPLETE')")) {
                for (int i = 0; i < TEXTS.size(); i++) {
                    insert.setObject(1, UUID.randomUUID());
                    insert.setObject(2, conversation);
                    insert.setTimestamp(3, Timestamp.from(Instant.now()));
                    insert.setInt(4, i);
                    insert.setString(5, TEXTS.get(i));
                    insert.executeUpdate();
                }
            }
            db.commit();
            if (postgres) {
                assertEquals(List.of(String.valueOf(TEXTS.size())), column(db, "SELECT COUNT(*) FROM "
                        + "pg_largeobject_metadata"));
            }
        }

        SchemaMigration.Outcome outcome = new SchemaMigration(database).migrate();

        assertEquals("upgraded from version 2 to 3 (1 migration)", outcome.describe());
        try (Connection db = host.openDatabase()) {
            assertEquals(TEXTS, column(db, "SELECT text FROM chat_message ORDER BY sequence"));
            if (postgres) {
                assertEquals(List.of("text|NO"), column(db, "SELECT data_type || '|' || is_nullable FROM "
                        + "information_schema.columns WHERE table_name = 'chat_message' AND column_name = 'text'"));
                assertEquals(List.of("0"), column(db, "SELECT COUNT(*) FROM pg_largeobject_metadata"),
                        "the large objects of the messages are removed");
            } else {
                assertEquals(List.of("CHARACTER VARYING|NO"), column(db, "SELECT DATA_TYPE || '|' || IS_NULLABLE "
                        + "FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'CHAT_MESSAGE' AND COLUMN_NAME = 'TEXT'"));
            }
        }
    }

    /** The database this run's host would use, from the launcher's settings the kit gives it. */
    private static DatabaseSettings settings(PersonaHost host) {
        Map<String, String> env = host.environment();
        String url = env.get("PERSONA_DB_URL");
        if (url == null) {
            return DatabaseSettings.embedded(new DataDirectory(host.dataDirectory));
        }
        return new DatabaseSettings(DatabaseSettings.Vendor.POSTGRESQL, url, env.get("PERSONA_DB_USER"),
                env.get("PERSONA_DB_PASSWORD"));
    }

    private static List<String> column(Connection db, String query) throws Exception {
        List<String> values = new ArrayList<>();
        try (Statement statement = db.createStatement(); ResultSet rows = statement.executeQuery(query)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }
}

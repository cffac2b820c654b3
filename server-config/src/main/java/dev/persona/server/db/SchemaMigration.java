package dev.persona.server.db;

import java.sql.SQLException;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;

import dev.persona.server.ConfigurationException;

/**
 * Brings the host's database to the schema this build's entities expect, with Flyway, before WildFly starts (the
 * bootstrap runs it; JPA only validates the schema). The migrations are {@code db/migration/<vendor>/V<n>__*.sql}
 * beside this class; version 1 is the schema that releases before Flyway made with {@code hbm2ddl.auto=update}. A
 * database made by such a release has tables but no Flyway history: it is recorded as version 1 (Flyway's baseline)
 * and only the later versions run on it.
 */
public final class SchemaMigration {

    /** The schema releases before Flyway made; a database without Flyway's history but with tables is at it. */
    static final String RELEASED_SCHEMA = "1";

    /**
     * Flyway logs each step through java.util.logging; the bootstrap prints one line itself. Held here: the logging
     * framework keeps loggers only weakly, and a collected one would forget its level.
     */
    private static final Logger FLYWAY_LOG = Logger.getLogger("org.flywaydb");

    private final DatabaseSettings database;

    public SchemaMigration(DatabaseSettings database) {
        this.database = database;
    }

    /**
     * What a migration did: the schema version before (null for a database without Flyway's history), the version
     * now, and how many migrations ran.
     */
    public record Outcome(String from, String to, int applied) {

        /** One line for the start's output. */
        public String describe() {
            if (applied == 0) {
                return "at version " + to;
            }
            return (from == null ? "made at version " : "upgraded from version " + from + " to ") + to + " ("
                    + applied + (applied == 1 ? " migration)" : " migrations)");
        }
    }

    public Outcome migrate() {
        FLYWAY_LOG.setLevel(Level.WARNING);
        Flyway flyway = Flyway.configure(SchemaMigration.class.getClassLoader())
                .dataSource(database.url(), database.user(), database.password())
                .locations(database.vendor().migrations())
                .baselineOnMigrate(true)
                .baselineVersion(RELEASED_SCHEMA)
                .baselineDescription("schema made by hbm2ddl before Flyway")
                .validateMigrationNaming(true)
                // A version this build does not know means the database was made by a newer Persona: stop.
                .ignoreMigrationPatterns(new String[0])
                .load();
        try {
            MigrateResult result = flyway.migrate();
            MigrationInfo current = flyway.info().current();
            return new Outcome(result.initialSchemaVersion, current == null ? null : current.getVersion().getVersion(),
                    result.migrationsExecuted);
        } catch (FlywayException e) {
            throw new ConfigurationException("Cannot bring the database (" + database + ") to the schema of this "
                    + "version of Persona: " + rootMessage(e) + " The server was not started. If the database was "
                    + "made by a newer version, start that version; otherwise restore the backup made before the "
                    + "upgrade (./persona restore) and report the message above.", e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause instanceof SQLException ? cause.getMessage() : e.getMessage();
    }
}

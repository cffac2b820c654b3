/**
 * The host's database before the server starts: which one it is ({@link dev.persona.server.db.DatabaseSettings}:
 * the H2 file in the data directory, or PostgreSQL) and bringing its schema to this version with Flyway
 * ({@link dev.persona.server.db.SchemaMigration}, migrations in {@code db/migration/<database>}), after
 * {@link dev.persona.server.db.EmbeddedDatabaseCheck} proved an existing H2 file neither locked nor damaged. The
 * bootstrap runs them and hands the same settings to WildFly's datasource.
 */
package dev.persona.server.db;

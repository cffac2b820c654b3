package dev.persona.server.db;

import java.util.Optional;

import dev.persona.server.DataDirectory;
import dev.persona.settings.Setting;
import dev.persona.settings.SettingSource;

/**
 * Which database the host keeps its data in: the embedded H2 file in the data directory's {@code db/} by default, or
 * the PostgreSQL database that {@code PERSONA_DB_URL} names (with {@code PERSONA_DB_USER} and
 * {@code PERSONA_DB_PASSWORD}). The bootstrap
 * migrates it ({@link SchemaMigration}) and hands the same values to WildFly's datasource (persona.cli).
 * {@link #toString()} never shows the password.
 */
public record DatabaseSettings(Vendor vendor, String url, String user, String password) {

    public static final Setting<String> URL = Setting.parsed("persona.db.url", null,
            "a PostgreSQL JDBC URL such as jdbc:postgresql://localhost:5432/persona, or no value for the embedded H2"
                    + " database", text -> text.startsWith("jdbc:postgresql://") ? text : null);
    public static final Setting<String> USER = Setting.text("persona.db.user", null);
    public static final Setting<String> PASSWORD = Setting.secret("persona.db.password");

    /** The databases the host supports, with the name of the JDBC driver WildFly knows each by (persona.cli). */
    public enum Vendor {
        H2("h2"), POSTGRESQL("postgresql");

        private final String wildflyDriver;

        Vendor(String wildflyDriver) {
            this.wildflyDriver = wildflyDriver;
        }

        public String wildflyDriver() {
            return wildflyDriver;
        }

        /** Flyway's folder of this database's migrations. */
        public String migrations() {
            return "classpath:db/migration/" + name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The database the settings name, or the embedded one.
     *
     * @throws dev.persona.settings.InvalidSettingException for a URL that is not PostgreSQL's, or one without a user
     */
    public static DatabaseSettings from(SettingSource source, DataDirectory data) {
        Optional<String> url = URL.given(source);
        if (url.isEmpty()) {
            return embedded(data);
        }
        String user = USER.given(source).orElseThrow(() -> USER.invalid("",
                "the user of the PostgreSQL database that " + URL.environmentName() + " names"));
        return new DatabaseSettings(Vendor.POSTGRESQL, url.get(), user, PASSWORD.given(source).orElse(""));
    }

    /**
     * The embedded H2 file in the data directory (only this host's processes open it: the user is a formality).
     * {@code WRITE_DELAY=0}: each commit is written to the file as it commits, not up to a second later in the
     * background (H2's default), so an answer the phone was told is stored is in the file even if the disk fills up
     * or the JVM is killed right after (DiskFullIT lost a completed answer that way).
     */
    public static DatabaseSettings embedded(DataDirectory data) {
        return new DatabaseSettings(Vendor.H2, "jdbc:h2:file:" + data.database().resolve("persona")
                + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0", "sa", "sa");
    }

    @Override
    public String toString() {
        return vendor + " " + url + " as " + user;
    }
}

package dev.persona.server.db;

import java.util.Optional;

import dev.persona.server.ConfigurationException;
import dev.persona.server.DataDirectory;
import dev.persona.server.SettingSource;

/**
 * Which database the host keeps its data in: the embedded H2 file in the data directory's {@code db/} by default, or
 * the PostgreSQL database that {@value #URL} names (with {@value #USER} and {@value #PASSWORD}). The bootstrap
 * migrates it ({@link SchemaMigration}) and hands the same values to WildFly's datasource (persona.cli).
 * {@link #toString()} never shows the password.
 */
public record DatabaseSettings(Vendor vendor, String url, String user, String password) {

    public static final String URL = "persona.db.url";
    public static final String USER = "persona.db.user";
    public static final String PASSWORD = "persona.db.password";

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

    public static DatabaseSettings from(SettingSource source, DataDirectory data) {
        Optional<String> url = source.get(URL);
        if (url.isEmpty()) {
            return embedded(data);
        }
        if (!url.get().startsWith("jdbc:postgresql://")) {
            throw new ConfigurationException("Invalid value '" + url.get() + "' for " + URL + " ("
                    + SettingSource.environmentName(URL) + "): expected a PostgreSQL JDBC URL such as "
                    + "jdbc:postgresql://localhost:5432/persona, or no value for the embedded H2 database.");
        }
        String user = source.get(USER).orElseThrow(() -> new ConfigurationException(URL + " names a PostgreSQL "
                + "database, so " + USER + " (" + SettingSource.environmentName(USER) + ") must name its user."));
        return new DatabaseSettings(Vendor.POSTGRESQL, url.get(), user, source.get(PASSWORD).orElse(""));
    }

    /** The embedded H2 file in the data directory (only this host's processes open it: the user is a formality). */
    public static DatabaseSettings embedded(DataDirectory data) {
        return new DatabaseSettings(Vendor.H2, "jdbc:h2:file:" + data.database().resolve("persona")
                + ";DB_CLOSE_ON_EXIT=FALSE", "sa", "sa");
    }

    @Override
    public String toString() {
        return vendor + " " + url + " as " + user;
    }
}

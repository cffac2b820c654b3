package dev.persona.server.db;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import dev.persona.server.ConfigurationException;
import dev.persona.server.DataDirectory;

/**
 * Proves that the H2 file the host made before can be opened as it is, before anything writes to it. H2 itself
 * takes an empty or truncated file for a new database and writes an empty one over it, and the migration would then
 * start the host on that; so an existing file is opened read-only (which writes nothing and never creates a
 * database) and must hold tables. The read-only open fails too while another process holds the file (H2 error
 * 90020), so the file is opened once here; the migration right after is the first to open it for writing (a second
 * open here cost 0.35 to 1.6 s of each start on a machine at load 17 to 25). Each problem stops the start with a
 * message that says what to do; the file is left exactly as it was.
 */
public final class EmbeddedDatabaseCheck {

    /** H2's error code for a database file that another process holds open (ErrorCode.DATABASE_ALREADY_OPEN_1). */
    static final int DATABASE_ALREADY_OPEN = 90020;

    private final DataDirectory data;
    private final DatabaseSettings database;

    public EmbeddedDatabaseCheck(DataDirectory data) {
        this.data = data;
        this.database = DatabaseSettings.embedded(data);
    }

    /** The database file H2 keeps (MVStore format). */
    public Path file() {
        return data.database().resolve("persona.mv.db");
    }

    /**
     * Does nothing where no database file exists yet (the first start makes it); otherwise throws unless the file
     * opens read-only, with tables in it, and no other process holds it.
     *
     * @throws ConfigurationException for a file another process holds, or one that is damaged or empty
     */
    public void requireOpenable() {
        Path file = file();
        if (!Files.exists(file)) {
            return;
        }
        try (Connection db = DriverManager.getConnection(database.url() + ";IFEXISTS=TRUE;ACCESS_MODE_DATA=r",
                database.user(), database.password());
                Statement statement = db.createStatement();
                ResultSet tables = statement.executeQuery(
                        "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'")) {
            tables.next();
            if (tables.getInt(1) == 0) {
                throw damaged(file, "it holds no tables", null);
            }
        } catch (SQLException e) {
            throw notOpened(file, e);
        }
    }

    private ConfigurationException notOpened(Path file, SQLException e) {
        if (e.getErrorCode() == DATABASE_ALREADY_OPEN) {
            return new ConfigurationException("The database " + file + " is in use by another process. Is this "
                    + "host already running ('./persona status'), or has a tool (an H2 console or shell, a "
                    + "backup) opened the file? Stop that process, then start again. The server was not "
                    + "started.", e);
        }
        return damaged(file, e.getMessage(), e);
    }

    private ConfigurationException damaged(Path file, String why, Throwable cause) {
        return new ConfigurationException("The database " + file + " cannot be opened (" + why + "): it is "
                + "damaged, e.g. by a full disk or a crash of the machine. The server was not started and the file "
                + "was left as it is, so that nothing is replaced by an empty database. Restore the last backup "
                + "into a new data directory (PERSONA_DATA_DIR=<new folder> ./persona restore <backup file>), or "
                + "move the damaged file away to start this host with an empty database.", cause);
    }
}

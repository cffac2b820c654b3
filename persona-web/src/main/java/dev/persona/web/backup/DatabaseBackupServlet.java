package dev.persona.web.backup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.sql.DataSource;

import dev.persona.host.config.HostConfiguration;
import jakarta.annotation.Resource;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The running host's database backup for {@code ./persona backup} (README, "Backup and restore"): H2's own online
 * backup ({@code BACKUP TO}, a consistent copy of the open database as a zip), streamed back. Only a POST from this
 * machine (the request arrives on the address it came from) that carries the one-time token the launcher has just
 * written into the owner-only {@code run/backup.token}; the token is deleted at its first use. Anything else gets a
 * 404, as if the path did not exist. A PostgreSQL database is dumped by the launcher with pg_dump instead (409).
 */
@WebServlet(DatabaseBackupServlet.PATH)
public class DatabaseBackupServlet extends HttpServlet {

    static final String PATH = "/host/backup";
    static final String TOKEN_FILE = "backup.token";

    private static final Logger LOG = Logger.getLogger(DatabaseBackupServlet.class.getName());

    @Inject
    HostConfiguration configuration;

    /** WildFly's name of the database (persona.cli); Payara's (persona.asadmin) is the mapped name, which it prefers. */
    @Resource(lookup = "java:jboss/datasources/PersonaDS", mappedName = "jdbc/__default")
    DataSource database;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!request.getRemoteAddr().equals(request.getLocalAddr()) || !tokenMatches(request)) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        Path run = configuration.dataDirectory().run();
        Path archive = run.resolve("backup-" + UUID.randomUUID() + ".zip");
        try (Connection connection = database.getConnection()) {
            if (!"H2".equals(connection.getMetaData().getDatabaseProductName())) {
                response.sendError(HttpServletResponse.SC_CONFLICT, "The database is not H2: ./persona backup "
                        + "dumps it with its own tool.");
                return;
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("BACKUP TO '" + archive.toString().replace("'", "''") + "'");
            }
            response.setContentType("application/zip");
            response.setContentLengthLong(Files.size(archive));
            Files.copy(archive, response.getOutputStream());
            LOG.info("Database backup sent to ./persona backup (" + Files.size(archive) + " bytes)");
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "Database backup failed", e);
            response.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "The database backup failed: "
                    + e.getMessage());
        } finally {
            Files.deleteIfExists(archive);
        }
    }

    /** The launcher's token, compared in constant time; the token file is gone afterwards, matching or not. */
    private boolean tokenMatches(HttpServletRequest request) throws IOException {
        Path tokenFile = configuration.dataDirectory().run().resolve(TOKEN_FILE);
        String expected;
        try {
            expected = Files.readString(tokenFile, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return false;
        } finally {
            Files.deleteIfExists(tokenFile);
        }
        String given = request.getHeader("Authorization");
        return expected.length() >= 32 && given != null && MessageDigest.isEqual(
                ("Bearer " + expected).getBytes(StandardCharsets.US_ASCII), given.getBytes(StandardCharsets.US_ASCII));
    }
}

package dev.persona.server;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/**
 * The one folder that holds everything a host keeps: the H2 database, keys, certificates, models and logs.
 * This class is the only place that knows its layout; the bootstrap, the server configuration and the
 * application all ask it for paths.
 */
public record DataDirectory(Path root) {

    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    public Path database() {
        return root.resolve("db");
    }

    public Path tls() {
        return root.resolve("tls");
    }

    /** The CA certificate, DER encoded, as phones download it. */
    public Path caCertificate() {
        return tls().resolve("ca.crt");
    }

    /** The CA's private key and certificate. */
    public Path caKeyStore() {
        return tls().resolve("ca.p12");
    }

    /** The server's private key and certificate chain, which the HTTPS listener uses. */
    public Path serverKeyStore() {
        return tls().resolve("server.p12");
    }

    /** Random passwords of the two key stores; readable by the owner only. */
    public Path tlsSecrets() {
        return tls().resolve("secrets.properties");
    }

    public Path keys() {
        return root.resolve("keys");
    }

    public Path models() {
        return root.resolve("models");
    }

    public Path logs() {
        return root.resolve("logs");
    }

    /** Files written for the current run of the server (its properties, the launcher's pid file). */
    public Path run() {
        return root.resolve("run");
    }

    /**
     * Creates the folders that are missing (owner-only where secrets live) and proves each one writable, so that
     * a read-only or foreign folder fails now with a clear message instead of later inside the server.
     */
    public void prepare() {
        for (Path dir : List.of(root, database(), tls(), keys(), models(), logs(), run())) {
            try {
                if (!Files.isDirectory(dir)) {
                    if (Files.exists(dir)) {
                        throw new ConfigurationException("The data directory entry " + dir + " is a file, not a "
                                + "folder. Move it away, or choose another data directory with "
                                + HostSettings.DATA_DIR + " / PERSONA_DATA_DIR.");
                    }
                    Files.createDirectories(dir);
                    restrictToOwner(dir, OWNER_ONLY_DIR);
                }
                Path probe = Files.createTempFile(dir, ".write-test", ".tmp");
                Files.delete(probe);
            } catch (FileSystemException e) {
                throw new ConfigurationException("The data directory " + dir + " is not writable (" + e.getMessage()
                        + "). Give this user write access to it, or choose another data directory with "
                        + HostSettings.DATA_DIR + " / PERSONA_DATA_DIR.", e);
            } catch (IOException e) {
                throw new ConfigurationException("Cannot prepare the data directory " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    /** Writes a file that only the owner may read, replacing it atomically. */
    public static void writeSecretFile(Path file, byte[] content) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".new");
        Files.write(temp, content, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        restrictToOwner(temp, OWNER_ONLY_FILE);
        Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void restrictToOwner(Path path, Set<PosixFilePermission> permissions) throws IOException {
        if (Files.getFileStore(path).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(path, permissions);
        }
    }
}

package dev.persona.server;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
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
    private static final Set<PosixFilePermission> GROUP_AND_OTHER = PosixFilePermissions.fromString("---rwxrwx");

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

    /** The CA's private key (PKCS#8), sealed with the {@link KeyEncryptionKey}. */
    public Path caPrivateKey() {
        return tls().resolve("ca.key");
    }

    /** The CA's private key and certificate as older versions kept them, its password in {@link #tlsSecrets}. */
    public Path caKeyStore() {
        return tls().resolve("ca.p12");
    }

    /** The server's private key and certificate chain, which the HTTPS listener uses. */
    public Path serverKeyStore() {
        return tls().resolve("server.p12");
    }

    /** Random passwords of the key stores; readable by the owner only. */
    public Path tlsSecrets() {
        return tls().resolve("secrets.properties");
    }

    /** Whether the database was made already (then sealed private keys may exist). */
    public boolean hasDatabase() {
        try (var files = Files.list(database())) {
            return files.findAny().isPresent();
        } catch (IOException e) {
            return Files.exists(database());
        }
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
     * Creates the folders that are missing and proves each one writable, so that a read-only or foreign folder
     * fails now with a clear message instead of later inside the server; then makes the whole directory the
     * owner's only, also where it was made by someone else first or by an older version (see {@link #closeToOthers}).
     */
    public void prepare() {
        for (Path dir : List.of(root, database(), tls(), keys(), models(), logs(), run())) {
            try {
                if (!Files.isDirectory(dir)) {
                    if (Files.exists(dir)) {
                        throw new ConfigurationException("The data directory entry " + dir + " is a file, not a "
                                + "folder. Move it away, or choose another data directory with "
                                + HostSettings.DATA_DIR + " / " + HostSettings.DATA_DIR.environmentName() + ".");
                    }
                    Files.createDirectories(dir);
                }
                Path probe = Files.createTempFile(dir, ".write-test", ".tmp");
                Files.delete(probe);
            } catch (FileSystemException e) {
                throw new ConfigurationException("The data directory " + dir + " is not writable (" + e.getMessage()
                        + "). Give this user write access to it, or choose another data directory with "
                        + HostSettings.DATA_DIR + " / " + HostSettings.DATA_DIR.environmentName() + ".", e);
            } catch (IOException e) {
                throw new ConfigurationException("Cannot prepare the data directory " + dir + ": " + e.getMessage(), e);
            }
        }
        closeToOthers();
    }

    /**
     * Takes group and other access from the data directory and everything in it (the launcher's umask 077 keeps
     * new files so): it holds keys, the database and logs. Symbolic links are left alone, and so is what they
     * point to (a model linked from elsewhere).
     */
    void closeToOthers() {
        if (!supportsPosix(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                    removeGroupAndOtherAccess(dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    if (attributes.isRegularFile() || attributes.isDirectory()) {
                        removeGroupAndOtherAccess(file);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new ConfigurationException("Cannot make the data directory " + root + " private to this user ("
                    + e + "). Make this user the owner of every file in it (chown -R), or choose another data "
                    + "directory with " + HostSettings.DATA_DIR + " / " + HostSettings.DATA_DIR.environmentName()
                    + ".", e);
        }
    }

    private static void removeGroupAndOtherAccess(Path path) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        if (permissions.removeAll(GROUP_AND_OTHER)) {
            Files.setPosixFilePermissions(path, permissions);
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

    private static boolean supportsPosix(Path path) {
        try {
            return Files.getFileStore(path).supportsFileAttributeView("posix");
        } catch (IOException e) {
            return false;
        }
    }

    private static void restrictToOwner(Path path, Set<PosixFilePermission> permissions) throws IOException {
        if (Files.getFileStore(path).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(path, permissions);
        }
    }
}

package dev.persona.models;

import dev.persona.models.gguf.GgufReader;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Receives one model file into a models folder, streamed: {@link #check} refuses what cannot succeed before a byte
 * is read (a bad name, a name taken, a length the disk cannot hold), {@link #receive} copies the body into a hidden
 * part file ({@code .<name>.<random>.part}, which the catalog does not list) while computing its SHA-256, checks
 * the GGUF header and links the part file to its name, which fails rather than replace a file that appeared
 * meanwhile. Whatever goes wrong, the part file is deleted. Memory use does not grow with the file. {@link #link}
 * adds a file elsewhere on the machine by a symbolic link, with the same checks; {@link HubDownload} uses them too.
 */
public final class ModelUpload {

    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}\\.gguf");
    private static final int BUFFER = 1 << 16;

    /** Why an upload was refused; the message says it to the owner. */
    public enum Refusal {
        /** The file name is not one the folder takes. */
        BAD_NAME,
        /** The folder has a file of that name. */
        EXISTS,
        /** The length was not declared, so the disk cannot be checked first. */
        NO_LENGTH,
        /** The declared length is more than the disk's usable space, or the disk filled up while writing. */
        NO_SPACE,
        /** The file is not a GGUF model. */
        NOT_GGUF
    }

    /** An upload refused for {@link #refusal()}; the part file, if any, is already deleted. */
    public static final class RefusedException extends IOException {

        private static final long serialVersionUID = 1L;
        private final Refusal refusal;

        RefusedException(Refusal refusal, String message) {
            super(message);
            this.refusal = refusal;
        }

        public Refusal refusal() {
            return refusal;
        }
    }

    /** A model that arrived whole and was moved into place. */
    public record Received(String fileName, long size, String sha256) {
    }

    private final Path folder;

    public ModelUpload(Path folder) {
        this.folder = folder;
    }

    /**
     * Refuses, before anything is read, an upload of {@code declaredLength} bytes (negative: not declared) to
     * {@code name} that cannot succeed.
     */
    public void check(String name, long declaredLength) throws IOException {
        if (name == null || !FILE_NAME.matcher(name).matches()) {
            throw new RefusedException(Refusal.BAD_NAME, "The file name must end with .gguf and use only letters,"
                    + " digits, '.', '_' and '-' (at most 200 characters).");
        }
        if (Files.exists(folder.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
            throw taken(name);
        }
        if (declaredLength < 0) {
            throw new RefusedException(Refusal.NO_LENGTH, "The upload must declare its length (Content-Length),"
                    + " so that the disk space can be checked first.");
        }
        long usable = Files.getFileStore(folder).getUsableSpace();
        if (declaredLength > usable) {
            throw new RefusedException(Refusal.NO_SPACE, name + " needs " + size(declaredLength)
                    + ", but the disk that holds " + folder + " has " + size(usable)
                    + " free. Free some space or put the file there by other means and add it by path.");
        }
    }

    /**
     * {@link #check Checks} the upload, then streams {@code body} ({@code declaredLength} bytes) into place.
     *
     * @throws RefusedException for the reasons of {@link Refusal}
     * @throws IOException when reading {@code body} fails (the sender broke off); no file is left
     */
    public Received receive(String name, long declaredLength, InputStream body) throws IOException {
        check(name, declaredLength);
        Path part = folder.resolve("." + name + "." + UUID.randomUUID() + ".part");
        try {
            MessageDigest sha256 = sha256();
            long written = copy(body, part, sha256);
            if (written != declaredLength) {
                throw new IOException("the upload of " + name + " ended after " + written + " of " + declaredLength
                        + " bytes");
            }
            try {
                new GgufReader().read(part);
            } catch (IOException e) {
                throw new RefusedException(Refusal.NOT_GGUF, name + " is not a GGUF model: " + e.getMessage());
            }
            moveIntoPlace(part, folder.resolve(name));
            return new Received(name, written, HexFormat.of().formatHex(sha256.digest()));
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /**
     * Adds a GGUF file elsewhere on this machine by a symbolic link in the folder, with the upload's checks: the
     * source is a readable file whose name the folder takes and whose GGUF header reads, and the name is free.
     *
     * @return the link's name in the folder
     * @throws RefusedException for {@link Refusal#BAD_NAME}, {@link Refusal#EXISTS} and {@link Refusal#NOT_GGUF}
     * @throws IOException when the link cannot be made
     */
    public String link(Path source) throws IOException {
        Path file = source.toAbsolutePath().normalize();
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new RefusedException(Refusal.NOT_GGUF, "No readable file at " + file + ".");
        }
        String name = file.getFileName().toString();
        check(name, 0);
        try {
            new GgufReader().read(file);
        } catch (IOException e) {
            throw new RefusedException(Refusal.NOT_GGUF, name + " is not a GGUF model: " + e.getMessage());
        }
        try {
            Files.createSymbolicLink(folder.resolve(name), file);
        } catch (FileAlreadyExistsException e) {
            throw taken(name);
        }
        return name;
    }

    /** Copies the body into the part file; a failed write (the disk is full) is told apart from a failed read. */
    private long copy(InputStream body, Path part, MessageDigest sha256) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE_NEW)) {
            for (int read = body.read(buffer); read >= 0; read = body.read(buffer)) {
                sha256.update(buffer, 0, read);
                try {
                    out.write(buffer, 0, read);
                } catch (IOException e) {
                    throw noSpaceWhileWriting(part, written, e);
                }
                written += read;
            }
        }
        return written;
    }

    private RefusedException noSpaceWhileWriting(Path part, long written, IOException cause) throws IOException {
        RefusedException refused = new RefusedException(Refusal.NO_SPACE, "Writing to " + folder + " failed after "
                + size(written) + " (" + cause.getMessage() + "); the disk has " + size(Files.getFileStore(folder)
                .getUsableSpace()) + " free now. The partial file " + part.getFileName() + " was deleted.");
        refused.initCause(cause);
        return refused;
    }

    /**
     * A hard link names the finished file at once and fails if the name was taken meanwhile (a rename would
     * replace it); where the file system has no hard links, an atomic rename after a last look.
     */
    static void moveIntoPlace(Path part, Path target) throws IOException {
        try {
            Files.createLink(target, part);
        } catch (FileAlreadyExistsException e) {
            throw taken(target.getFileName().toString());
        } catch (UnsupportedOperationException | FileSystemException e) {
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw taken(target.getFileName().toString());
            }
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static RefusedException taken(String name) {
        return new RefusedException(Refusal.EXISTS, "The models folder already has " + name
                + "; rename the file or delete the one there.");
    }

    /** e.g. "263.7 MiB", "12.3 GiB". */
    static String size(long bytes) {
        return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.persona.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {

    @TempDir
    Path temp;

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path,
                java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aNewDataDirectoryIsTheOwnersOnly() throws Exception {
        DataDirectory data = new DataDirectory(temp.resolve("new"));

        data.prepare();

        assertEquals("rwx------", mode(data.root()));
        assertEquals("rwx------", mode(data.logs()));
        assertEquals("rwx------", mode(data.tls()));
    }

    @Test
    void anExistingDirectoryOpenToOthersIsClosedWithEverythingInIt() throws Exception {
        Path root = Files.createDirectories(temp.resolve("old/llama"));
        root = root.getParent();
        Path log = Files.writeString(root.resolve("llama/llama-server-1.log"), "x");
        Path script = Files.writeString(root.resolve("run-me.sh"), "x");
        Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxrwxr-x"));
        Files.setPosixFilePermissions(root.resolve("llama"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx"));

        new DataDirectory(root).prepare();

        assertEquals("rwx------", mode(root));
        assertEquals("rwx------", mode(root.resolve("llama")));
        assertEquals("rw-------", mode(log));
        assertEquals("rwx------", mode(script), "the owner's own bits stay as they were");
    }

    @Test
    void whatALinkPointsToIsLeftAlone() throws Exception {
        Path elsewhere = Files.writeString(temp.resolve("shared-model.gguf"), "x");
        Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rw-r--r--"));
        DataDirectory data = new DataDirectory(temp.resolve("data"));
        data.prepare();
        Files.createSymbolicLink(data.models().resolve("model.gguf"), elsewhere);

        data.prepare();

        assertEquals("rw-r--r--", mode(elsewhere));
    }
}

package dev.persona.plugins;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Looks at a persona's folder before a plugin may see it: how many bytes it holds (for the write quota) and
 * whether it contains a symbolic link. WASI in Chicory resolves paths lexically and the host file system would
 * follow a link out of the folder, so a folder with a link is refused as a whole (plugins themselves cannot make
 * links: {@link SandboxedWasi} refuses {@code path_symlink} and {@code path_link}).
 */
final class FolderGuard {

    /** What the folder holds, or why it must not be used. */
    record Inspection(long bytes, Path link) {
    }

    private FolderGuard() {
    }

    static Inspection inspect(Path folder) throws IOException {
        long[] bytes = {0};
        Path[] link = {null};
        Files.walkFileTree(folder, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                return visit(dir, attributes);
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                return visit(file, attributes);
            }

            private FileVisitResult visit(Path path, BasicFileAttributes attributes) {
                if (attributes.isSymbolicLink() || attributes.isOther()) {
                    link[0] = folder.relativize(path);
                    return FileVisitResult.TERMINATE;
                }
                bytes[0] += attributes.isRegularFile() ? attributes.size() : 0;
                return FileVisitResult.CONTINUE;
            }
        });
        return new Inspection(bytes[0], link[0]);
    }
}

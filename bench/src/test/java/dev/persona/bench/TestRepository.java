package dev.persona.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A real git repository in a test's folder, for the tests of what a run records and checks about revisions. */
final class TestRepository {

    private final Path root;

    /** Makes the repository in {@code root} (an empty folder), with a committer of its own. */
    TestRepository(Path root) {
        this.root = root;
        git("init", "-q");
        git("config", "user.email", "bench@example.invalid");
        git("config", "user.name", "bench");
    }

    /** Writes {@code text} to the file at {@code path} in the working tree, folders made as needed. */
    void write(String path, String text) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** Commits all changes. */
    void commit(String message) {
        git("add", "-A");
        git("commit", "-q", "-m", message);
    }

    String head() {
        return git("rev-parse", "HEAD").strip();
    }

    private String git(String... arguments) {
        return SourceRevision.git(root, arguments);
    }
}

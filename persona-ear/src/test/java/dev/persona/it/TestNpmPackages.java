package dev.persona.it;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.persona.testkit.PersonaHost;
import jakarta.json.Json;

/**
 * The npm packages of the signaling tests, locked in {@code persona-ear/src/test/npm} and installed there by the
 * build ({@code npm ci} at generate-test-resources): {@code peerjs@1.5.5}, the stock browser client, and
 * {@code peer@1.0.2}, the Node server our signaling is compatible with.
 */
final class TestNpmPackages {

    static final Path DIRECTORY = PersonaHost.REPOSITORY.resolve("persona-ear/src/test/npm");

    private TestNpmPackages() {
    }

    /** The installed package's folder, after checking that it is the version the tests are written against. */
    static Path module(String name, String version) throws IOException {
        Path folder = DIRECTORY.resolve("node_modules").resolve(name);
        Path manifest = folder.resolve("package.json");
        if (!Files.isRegularFile(manifest)) {
            throw new IllegalStateException(name + " is not installed in " + DIRECTORY + ": the build runs 'npm ci' "
                    + "there at generate-test-resources; run it by hand when running a test alone.");
        }
        String installed = Json.createReader(new StringReader(Files.readString(manifest))).readObject()
                .getString("version");
        if (!installed.equals(version)) {
            throw new IllegalStateException(DIRECTORY + " has " + name + "@" + installed + ", the tests need "
                    + version + ": run 'npm ci' there.");
        }
        return folder;
    }
}

package dev.persona.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import dev.persona.testkit.PersonaHost;

/** What a test host's server.log says: the chat tests check that a run, stops included, logged no error. */
final class ServerLog {

    private ServerLog() {
    }

    /** The ERROR lines of the host's server.log and its rotated files (WildFly writes {@code … ERROR [category] …}). */
    static List<String> errors(PersonaHost host) throws IOException {
        Path logs = host.dataDirectory.resolve("logs");
        try (Stream<Path> files = Files.list(logs)) {
            return files.filter(f -> f.getFileName().toString().startsWith("server.log"))
                    .flatMap(f -> {
                        try {
                            return Files.readAllLines(f).stream();
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .filter(line -> line.matches("^\\S+ \\S+ ERROR .*")).toList();
        }
    }
}

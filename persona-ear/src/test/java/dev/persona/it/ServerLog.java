package dev.persona.it;

import java.io.IOException;
import java.util.List;

import dev.persona.testkit.PersonaHost;

/** What a test host's server.log says: the chat tests check that a run, stops included, logged no error. */
final class ServerLog {

    private ServerLog() {
    }

    /** The ERROR lines of the host's server.log and its rotated files (WildFly writes {@code … ERROR [category] …}). */
    static List<String> errors(PersonaHost host) throws IOException {
        return host.serverLogErrors();
    }
}

package dev.persona.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.persona.server.HostBootstrap.Server;
import dev.persona.server.tls.OpenSslLibraries;
import dev.persona.settings.SettingSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bootstrap's run on a system without OpenSSL's libraries (an empty folder stands for its library folders). */
class HostBootstrapTest {

    @TempDir
    Path temp;

    @Test
    void payaraStartsWithoutOpenSslWhichItsTlsDoesNotUse() throws IOException {
        Path data = temp.resolve("data");
        bootstrap(data, Server.PAYARA).run(Instant.now());

        Properties written = new Properties();
        try (Reader reader = Files.newBufferedReader(data.resolve("run/wildfly.properties"))) {
            written.load(reader);
        }
        assertFalse(written.containsKey(OpenSslLibraries.SSL_PROPERTY), written.stringPropertyNames().toString());
        assertEquals(data.toAbsolutePath().toString(), written.getProperty("persona.data.dir"));
    }

    @Test
    void wildflyStopsTheStartSayingWhatToInstall() throws IOException {
        ConfigurationException stopped = assertThrows(ConfigurationException.class,
                () -> bootstrap(temp.resolve("data"), Server.WILDFLY).run(Instant.now()));
        assertTrue(stopped.getMessage().contains("install it"), stopped.getMessage());
    }

    private HostBootstrap bootstrap(Path data, Server server) throws IOException {
        Path noLibraries = Files.createDirectories(temp.resolve("lib"));
        Properties system = new Properties();
        system.setProperty("persona.data.dir", data.toString());
        system.setProperty("persona.bind.address", "127.0.0.1");
        List<String> ports = List.of("persona.http.port", "persona.https.port", "persona.management.http.port",
                "persona.management.https.port");
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (String port : ports) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(socket);
                system.setProperty(port, Integer.toString(socket.getLocalPort()));
            }
        } finally {
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
        SettingSource.Process source = new SettingSource.Process(system, Map.of());
        return new HostBootstrap(HostSettings.from(source), source, server,
                () -> OpenSslLibraries.require(List.of(noLibraries)));
    }
}

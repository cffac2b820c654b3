package dev.persona.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.persona.testkit.PersonaHost;
import org.junit.jupiter.api.Test;

/** Bad settings and broken files stop the start with one clear message, before WildFly runs, and lose nothing. */
class LauncherErrorsIT {

    private PersonaHost freshHost(String name) throws Exception {
        PersonaHost host = new PersonaHost(Path.of("target/it-data/errors-" + name).toAbsolutePath());
        HostFoundationIT.deleteRecursively(host.dataDirectory);
        return host;
    }

    @Test
    void portInUseIsNamedWithTheSettingThatMovesIt() throws Exception {
        PersonaHost host = freshHost("port");
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress("0.0.0.0", host.httpsPort));

            PersonaHost.Run run = host.launcher("start", "--background");

            assertEquals(2, run.exitCode(), run.output());
            assertTrue(run.output().contains("Port " + host.httpsPort + " (persona.https.port)"), run.output());
            assertTrue(run.output().contains("PERSONA_HTTPS_PORT=<port>"), run.output());
        }
        assertFalse(Files.exists(host.dataDirectory.resolve("run/wildfly.pid")), "no server was started");
    }

    @Test
    void invalidPortValueNamesTheSettingAndRange() throws Exception {
        PersonaHost host = freshHost("value");
        ProcessBuilder builder = new ProcessBuilder(PersonaHost.REPOSITORY.resolve("persona").toString(), "start",
                "--background").redirectErrorStream(true);
        builder.environment().putAll(host.environment());
        builder.environment().put("PERSONA_HTTP_PORT", "99999");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());

        assertEquals(2, process.waitFor(), output);
        assertTrue(output.contains("PERSONA_HTTP_PORT = '99999': expected an integer from 1 to 65535."), output);
    }

    @Test
    void corruptCaKeyStoreStopsTheStartAndStaysAsItWas() throws Exception {
        PersonaHost host = freshHost("ca");
        Path tls = Files.createDirectories(host.dataDirectory.resolve("tls"));
        byte[] garbage = {0x30, 0x03, 0x02, 0x01, 0x07};
        Files.write(tls.resolve("ca.p12"), garbage);
        Files.writeString(tls.resolve("secrets.properties"), "ca.password=whatever\nserver.password=x\n");

        PersonaHost.Run run = host.launcher("start", "--background");

        assertEquals(2, run.exitCode(), run.output());
        assertTrue(run.output().contains("will not replace it"), run.output());
        assertArrayEquals(garbage, Files.readAllBytes(tls.resolve("ca.p12")));
    }
}

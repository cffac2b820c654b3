package dev.persona.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import dev.persona.settings.InvalidSettingException;
import dev.persona.settings.SettingSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostSettingsTest {

    private static HostSettings settings(Map<String, String> environment, String... properties) {
        Properties system = new Properties();
        for (int i = 0; i < properties.length; i += 2) {
            system.setProperty(properties[i], properties[i + 1]);
        }
        return HostSettings.from(new SettingSource.Process(system, environment));
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        HostSettings defaults = settings(Map.of());
        assertEquals(8080, defaults.httpPort());
        assertEquals(8443, defaults.httpsPort());
        assertEquals("0.0.0.0", defaults.bindAddress());
        assertTrue(defaults.dataDirectory().root().endsWith(".persona"));
    }

    @Test
    void systemPropertyWinsOverEnvironment() {
        HostSettings chosen = settings(Map.of("PERSONA_HTTPS_PORT", "9443", "PERSONA_HTTP_PORT", "9080"),
                "persona.https.port", "10443");
        assertEquals(10443, chosen.httpsPort());
        assertEquals(9080, chosen.httpPort());
    }

    @Test
    void portOutOfRangeNamesTheSettingAndTheRange() {
        InvalidSettingException error = assertThrows(InvalidSettingException.class,
                () -> settings(Map.of("PERSONA_HTTPS_PORT", "70000")));
        assertEquals("PERSONA_HTTPS_PORT = '70000': expected an integer from 1 to 65535.", error.getMessage());
    }

    @Test
    void portThatIsNotANumberIsRefused() {
        InvalidSettingException error = assertThrows(InvalidSettingException.class,
                () -> settings(Map.of(), "persona.http.port", "eighty"));
        assertEquals("PERSONA_HTTP_PORT = 'eighty': expected an integer from 1 to 65535.", error.getMessage());
    }

    @Test
    void repeatedPortIsRefused() {
        ConfigurationException error = assertThrows(ConfigurationException.class,
                () -> settings(Map.of("PERSONA_HTTP_PORT", "8443")));
        assertTrue(error.getMessage().contains("must all differ"), error.getMessage());
    }

    @Test
    void unknownBindAddressIsRefused() {
        InvalidSettingException error = assertThrows(InvalidSettingException.class,
                () -> settings(Map.of("PERSONA_BIND_ADDRESS", "no such host.invalid")));
        assertEquals("PERSONA_BIND_ADDRESS = 'no such host.invalid': expected an IP address of this machine, or "
                + "0.0.0.0 for all of them.", error.getMessage());
    }

    @Test
    void dataDirectoryThatIsAFileIsRefusedWithoutTouchingIt(@TempDir Path temp) throws Exception {
        Path file = Files.writeString(temp.resolve("not-a-folder"), "keep me");
        DataDirectory data = new DataDirectory(file);

        ConfigurationException error = assertThrows(ConfigurationException.class, data::prepare);

        assertTrue(error.getMessage().contains("is a file, not a folder"), error.getMessage());
        assertEquals("keep me", Files.readString(file));
    }

    @Test
    void allPersonaSettingsComeFromEnvironmentAndSystemPropertiesWithPropertiesWinning() {
        Properties system = new Properties();
        system.setProperty("persona.llama.threads", "4");
        system.setProperty("java.home", "/jdk");
        SettingSource.Process source = new SettingSource.Process(system, Map.of("PERSONA_LLAMA_THREADS", "2",
                "PERSONA_LLAMA_PORT_RANGE", "40000-40010", "HOME", "/root"));
        assertEquals(Map.of("persona.llama.threads", "4", "persona.llama.port.range", "40000-40010"),
                source.allPersonaSettings());
    }
}

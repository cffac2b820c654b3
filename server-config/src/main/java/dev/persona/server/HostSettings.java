package dev.persona.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

import dev.persona.settings.InvalidSettingException;
import dev.persona.settings.Setting;
import dev.persona.settings.SettingSource;

/**
 * The start-up settings of one host: data directory, bind address and ports. Each is a system property or an
 * environment variable (see {@link SettingSource.Process}); every value is checked here, before the server starts,
 * so that a bad one fails at once with its name and what it accepts ({@link InvalidSettingException}).
 */
public record HostSettings(DataDirectory dataDirectory, String bindAddress, int httpPort, int httpsPort,
                           int managementHttpPort, int managementHttpsPort) {

    /** Default: {@code ~/.persona}. */
    public static final Setting<Path> DATA_DIR = Setting.parsed("persona.data.dir", null, "a folder's path",
            HostSettings::path);
    public static final Setting<String> BIND_ADDRESS = Setting.parsed("persona.bind.address", "0.0.0.0",
            "an IP address of this machine, or 0.0.0.0 for all of them", HostSettings::address);
    public static final Setting<Integer> HTTP_PORT = Setting.integer("persona.http.port", 8080, 1, 65535);
    public static final Setting<Integer> HTTPS_PORT = Setting.integer("persona.https.port", 8443, 1, 65535);
    public static final Setting<Integer> MANAGEMENT_HTTP_PORT = Setting.integer("persona.management.http.port", 9990,
            1, 65535);
    public static final Setting<Integer> MANAGEMENT_HTTPS_PORT = Setting.integer("persona.management.https.port",
            9993, 1, 65535);
    /** Written by the bootstrap for the application: the HTTPS address phones use. */
    public static final Setting<String> PUBLIC_URL = Setting.parsed("persona.public.url", null,
            "an https:// address", text -> text.startsWith("https://") ? text : null);
    /** Written by the bootstrap for the server: the HTTPS key store's password (owner-only file, never logged). */
    public static final Setting<String> TLS_PASSWORD = Setting.secret("persona.tls.password");
    /** The web origins whose signaling proofs are accepted; by default every name and address of the host. */
    public static final String SIGNALING_ORIGINS = "persona.signaling.origins";

    /**
     * @throws InvalidSettingException naming the first bad setting and what it accepts
     * @throws ConfigurationException  when two ports are the same
     */
    public static HostSettings from(SettingSource source) {
        Path dataDir = DATA_DIR.given(source).orElseGet(() -> Path.of(System.getProperty("user.home"), ".persona"));
        HostSettings settings = new HostSettings(new DataDirectory(dataDir.toAbsolutePath().normalize()),
                BIND_ADDRESS.from(source), HTTP_PORT.from(source), HTTPS_PORT.from(source),
                MANAGEMENT_HTTP_PORT.from(source), MANAGEMENT_HTTPS_PORT.from(source));
        settings.requireDistinctPorts();
        return settings;
    }

    private void requireDistinctPorts() {
        Set<Integer> ports = new LinkedHashSet<>(Set.of(httpPort));
        if (!ports.add(httpsPort) || !ports.add(managementHttpPort) || !ports.add(managementHttpsPort)) {
            throw new ConfigurationException("The ports must all differ, but " + HTTP_PORT + "=" + httpPort + ", "
                    + HTTPS_PORT + "=" + httpsPort + ", " + MANAGEMENT_HTTP_PORT + "=" + managementHttpPort + ", "
                    + MANAGEMENT_HTTPS_PORT + "=" + managementHttpsPort + " repeat one.");
        }
    }

    private static Path path(String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException notAPath) {
            return null;
        }
    }

    private static String address(String text) {
        try {
            InetAddress.getByName(text);
            return text;
        } catch (UnknownHostException notAnAddress) {
            return null;
        }
    }
}

package dev.persona.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The start-up settings of one host: data directory, bind address and ports. Each is a system property or an
 * environment variable (see {@link SettingSource}); every value is checked here, before the server starts, so
 * that a bad one fails at once with its name and accepted range.
 */
public record HostSettings(DataDirectory dataDirectory, String bindAddress, int httpPort, int httpsPort,
                           int managementHttpPort, int managementHttpsPort) {

    public static final String DATA_DIR = "persona.data.dir";
    public static final String BIND_ADDRESS = "persona.bind.address";
    public static final String HTTP_PORT = "persona.http.port";
    public static final String HTTPS_PORT = "persona.https.port";
    public static final String MANAGEMENT_HTTP_PORT = "persona.management.http.port";
    public static final String MANAGEMENT_HTTPS_PORT = "persona.management.https.port";
    /** Written by the bootstrap for the application: the HTTPS address phones use. */
    public static final String PUBLIC_URL = "persona.public.url";
    /** The web origins whose signaling proofs are accepted; by default every name and address of the host. */
    public static final String SIGNALING_ORIGINS = "persona.signaling.origins";

    public static HostSettings from(SettingSource source) {
        Path dataDir = source.get(DATA_DIR).map(Path::of)
                .orElseGet(() -> Path.of(System.getProperty("user.home"), ".persona"));
        String bind = source.get(BIND_ADDRESS).orElse("0.0.0.0");
        try {
            InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new ConfigurationException("Invalid value '" + bind + "' for " + BIND_ADDRESS + " ("
                    + SettingSource.environmentName(BIND_ADDRESS) + "): expected an IP address of this machine, "
                    + "or 0.0.0.0 for all of them.");
        }
        HostSettings settings = new HostSettings(new DataDirectory(dataDir.toAbsolutePath().normalize()), bind,
                source.intSetting(HTTP_PORT, 8080, 1, 65535),
                source.intSetting(HTTPS_PORT, 8443, 1, 65535),
                source.intSetting(MANAGEMENT_HTTP_PORT, 9990, 1, 65535),
                source.intSetting(MANAGEMENT_HTTPS_PORT, 9993, 1, 65535));
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
}

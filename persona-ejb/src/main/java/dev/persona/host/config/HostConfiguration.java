package dev.persona.host.config;

import dev.persona.server.ConfiguredSettings;
import dev.persona.server.DataDirectory;
import dev.persona.server.HostSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Where the host keeps its data, on which port it serves HTTPS and by which address phones reach it. The launcher's
 * bootstrap sets them as system properties ({@link HostSettings}); {@code PERSONA_DATA_DIR} /
 * {@code PERSONA_HTTPS_PORT} work too, as MicroProfile Config maps them.
 */
@ApplicationScoped
public class HostConfiguration {

    private final DataDirectory dataDirectory;
    private final int httpsPort;
    private final String publicUrl;

    @Inject
    public HostConfiguration(ConfiguredSettings settings) {
        this.dataDirectory = new DataDirectory(HostSettings.DATA_DIR.required(settings));
        this.httpsPort = settings.get(HostSettings.HTTPS_PORT);
        this.publicUrl = HostSettings.PUBLIC_URL.required(settings);
    }

    /** For CDI's client proxy only. */
    protected HostConfiguration() {
        this.dataDirectory = null;
        this.httpsPort = 0;
        this.publicUrl = null;
    }

    public DataDirectory dataDirectory() {
        return dataDirectory;
    }

    public int httpsPort() {
        return httpsPort;
    }

    /** The HTTPS address phones use (LAN address and port), e.g. {@code https://192.168.1.20:8443}. */
    public String publicUrl() {
        return publicUrl;
    }
}

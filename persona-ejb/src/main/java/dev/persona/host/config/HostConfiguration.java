package dev.persona.host.config;

import java.nio.file.Path;

import dev.persona.server.DataDirectory;
import dev.persona.server.HostSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Where the host keeps its data, on which port it serves HTTPS and by which address phones reach it. The launcher's bootstrap sets both as system
 * properties; {@code PERSONA_DATA_DIR} / {@code PERSONA_HTTPS_PORT} work too, as MicroProfile Config maps them.
 */
@ApplicationScoped
public class HostConfiguration {

    private final DataDirectory dataDirectory;
    private final int httpsPort;
    private final String publicUrl;

    @Inject
    public HostConfiguration(@ConfigProperty(name = HostSettings.DATA_DIR) String dataDirectory,
                             @ConfigProperty(name = HostSettings.HTTPS_PORT, defaultValue = "8443") int httpsPort,
                             @ConfigProperty(name = HostSettings.PUBLIC_URL) String publicUrl) {
        this.dataDirectory = new DataDirectory(Path.of(dataDirectory));
        this.httpsPort = httpsPort;
        this.publicUrl = publicUrl;
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

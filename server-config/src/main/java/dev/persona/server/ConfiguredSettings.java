package dev.persona.server;

import java.util.Optional;

import dev.persona.settings.Setting;
import dev.persona.settings.SettingSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

/**
 * The settings as the application sees them in the server: MicroProfile Config (the system properties the
 * bootstrap wrote in {@code run/wildfly.properties}, environment variables, {@code microprofile-config.properties}),
 * read through the one settings reader, so that a bad value fails like it does before the server starts.
 */
@ApplicationScoped
public class ConfiguredSettings implements SettingSource {

    @Inject
    Config config;

    @Override
    public Optional<String> raw(String name) {
        return config.getOptionalValue(name, String.class);
    }

    /**
     * The setting's value, or its default.
     *
     * @throws dev.persona.settings.InvalidSettingException naming the setting, its value and what is accepted
     */
    public <T> T get(Setting<T> setting) {
        return setting.from(this);
    }
}

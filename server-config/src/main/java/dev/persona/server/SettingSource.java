package dev.persona.server;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Looks a setting up the way MicroProfile Config does for the application: a system property
 * ({@code persona.https.port}) wins over the environment variable of the same name in upper case with dots as
 * underscores ({@code PERSONA_HTTPS_PORT}). The bootstrap runs before the server, so it cannot use MP Config itself.
 */
public final class SettingSource {
    private final Properties systemProperties;
    private final Map<String, String> environment;

    public SettingSource(Properties systemProperties, Map<String, String> environment) {
        this.systemProperties = systemProperties;
        this.environment = environment;
    }

    public static SettingSource ofProcess() {
        return new SettingSource(System.getProperties(), System.getenv());
    }

    public Optional<String> get(String name) {
        String value = systemProperties.getProperty(name);
        if (value == null) {
            value = environment.get(environmentName(name));
        }
        return Optional.ofNullable(value).map(String::trim).filter(v -> !v.isEmpty());
    }

    /**
     * Every {@code persona.*} setting given to this process, as system property names: the environment's
     * {@code PERSONA_*} variables (underscores read as dots) overlaid by {@code persona.*} system properties.
     */
    public java.util.SortedMap<String, String> allPersonaSettings() {
        java.util.SortedMap<String, String> all = new java.util.TreeMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith("PERSONA_")) {
                all.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        systemProperties.stringPropertyNames().stream().filter(name -> name.startsWith("persona."))
                .forEach(name -> all.put(name, systemProperties.getProperty(name)));
        return all;
    }

    public static String environmentName(String name) {
        return name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** An integer setting within [min, max]; anything else fails naming the setting and the accepted range. */
    public int intSetting(String name, int defaultValue, int min, int max) {
        Optional<String> raw = get(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw.get());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // reported below with the accepted range
        }
        throw new ConfigurationException("Invalid value '" + raw.get() + "' for " + name + " (" + environmentName(name)
                + "): expected an integer from " + min + " to " + max + ".");
    }
}

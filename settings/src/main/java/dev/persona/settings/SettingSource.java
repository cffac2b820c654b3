package dev.persona.settings;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Where settings come from: the raw text of a setting by its name ({@code persona.https.port}), stripped, empty when
 * it is missing or blank. In the server the application reads MicroProfile Config through {@link #of}; before the
 * server runs, {@link #ofProcess} looks a setting up the way MicroProfile Config does.
 */
@FunctionalInterface
public interface SettingSource {

    /** The raw value as the source has it; {@link #text} strips it. */
    Optional<String> raw(String name);

    /** The setting's text, stripped; empty when it is missing or blank. */
    default Optional<String> text(String name) {
        return raw(name).map(String::strip).filter(value -> !value.isEmpty());
    }

    /** A source that asks {@code lookup}, e.g. {@code name -> config.getOptionalValue(name, String.class)}. */
    static SettingSource of(Function<String, Optional<String>> lookup) {
        return lookup::apply;
    }

    /** Fixed values, for tests and for settings handed over in a file. */
    static SettingSource of(Map<String, String> values) {
        return name -> Optional.ofNullable(values.get(name));
    }

    /** This process's system properties and environment (see {@link Process}). */
    static Process ofProcess() {
        return new Process(System.getProperties(), System.getenv());
    }

    /**
     * A system property ({@code persona.https.port}) wins over the environment variable of the same name in upper
     * case with dots as underscores ({@code PERSONA_HTTPS_PORT}), as in MicroProfile Config. The bootstrap runs
     * before the server, so it cannot use MicroProfile Config itself.
     */
    final class Process implements SettingSource {

        private final Properties systemProperties;
        private final Map<String, String> environment;

        public Process(Properties systemProperties, Map<String, String> environment) {
            this.systemProperties = systemProperties;
            this.environment = environment;
        }

        @Override
        public Optional<String> raw(String name) {
            String value = systemProperties.getProperty(name);
            return Optional.ofNullable(value != null ? value : environment.get(Setting.environmentName(name)));
        }

        /**
         * Every {@code persona.*} setting given to this process, as system property names: the environment's
         * {@code PERSONA_*} variables (underscores read as dots) overlaid by {@code persona.*} system properties.
         */
        public SortedMap<String, String> allPersonaSettings() {
            SortedMap<String, String> all = new TreeMap<>();
            environment.forEach((name, value) -> {
                if (name.startsWith("PERSONA_")) {
                    all.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value);
                }
            });
            systemProperties.stringPropertyNames().stream().filter(name -> name.startsWith("persona."))
                    .forEach(name -> all.put(name, systemProperties.getProperty(name)));
            return all;
        }
    }
}

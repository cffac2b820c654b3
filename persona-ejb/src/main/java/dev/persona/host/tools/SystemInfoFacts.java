package dev.persona.host.tools;

import java.lang.management.ManagementFactory;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import dev.persona.server.SettingValues;

/**
 * The facts about the host that the {@code system-info} plugin may tell the model, as the owner sets them with
 * {@value #SETTING} (docs/plugins.md): a comma-separated list of {@link #ALL}'s names, {@code none}, or nothing
 * for all. The plugin sees each shared fact as an environment variable {@code PERSONA_INFO_<NAME>} and nothing
 * else of the machine.
 */
final class SystemInfoFacts {

    static final String SETTING = "persona.tools.system.info.facts";
    static final List<String> ALL = List.of("os", "processors", "java", "host_uptime_minutes", "time_zone");

    private SystemInfoFacts() {
    }

    /**
     * The facts the setting shares, in {@link #ALL}'s order.
     *
     * @throws IllegalArgumentException naming the setting, the unknown fact and the known ones
     */
    static Set<String> from(Function<String, Optional<String>> source) {
        Optional<String> text = SettingValues.text(source, SETTING);
        if (text.isEmpty()) {
            return new LinkedHashSet<>(ALL);
        }
        if (text.get().equalsIgnoreCase("none")) {
            return Set.of();
        }
        Set<String> named = new LinkedHashSet<>();
        for (String fact : text.get().split("[\\s,]+")) {
            String name = fact.toLowerCase(Locale.ROOT);
            if (!ALL.contains(name)) {
                throw new IllegalArgumentException("Invalid value '" + text.get() + "' for " + SETTING + ": '" + fact
                        + "' is not a fact system-info knows; expected some of " + String.join(", ", ALL)
                        + ", or none.");
            }
            named.add(name);
        }
        Set<String> ordered = new LinkedHashSet<>(ALL);
        ordered.retainAll(named);
        return ordered;
    }

    /** The environment of a system-info call: each shared fact's value as the host sees it now. */
    static Map<String, String> environment(Set<String> shared) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (String fact : shared) {
            environment.put("PERSONA_INFO_" + fact.toUpperCase(Locale.ROOT), value(fact));
        }
        return environment;
    }

    private static String value(String fact) {
        return switch (fact) {
            case "os" -> System.getProperty("os.name") + " " + System.getProperty("os.version");
            case "processors" -> Integer.toString(Runtime.getRuntime().availableProcessors());
            case "java" -> System.getProperty("java.version");
            case "host_uptime_minutes" -> Long.toString(ManagementFactory.getRuntimeMXBean().getUptime() / 60_000);
            case "time_zone" -> ZoneId.systemDefault().getId();
            default -> throw new IllegalArgumentException("unknown fact " + fact);
        };
    }
}

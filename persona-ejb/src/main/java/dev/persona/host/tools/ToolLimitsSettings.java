package dev.persona.host.tools;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

import dev.persona.plugins.PluginLimits;
import dev.persona.server.SettingValues;

/**
 * What one plugin call may use, as the owner sets it (docs/plugins.md, "Limits"); each setting left out keeps the
 * value of {@link PluginLimits#DEFAULT}.
 */
final class ToolLimitsSettings {

    static final String TIMEOUT_MS = "persona.tools.timeout.ms";
    static final String MEMORY_MIB = "persona.tools.memory.mib";
    static final String OUTPUT_KIB = "persona.tools.output.kib";
    static final String FOLDER_MIB = "persona.tools.folder.mib";

    private ToolLimitsSettings() {
    }

    /**
     * Reads the limits by name.
     *
     * @throws IllegalArgumentException naming the setting, its value and what is accepted
     */
    static PluginLimits from(Function<String, Optional<String>> source) {
        PluginLimits defaults = PluginLimits.DEFAULT;
        long timeout = SettingValues.wholeNumber(source, TIMEOUT_MS, defaults.timeout().toMillis(), 100, 600_000);
        long memory = SettingValues.wholeNumber(source, MEMORY_MIB, defaults.memoryBytes() >> 20, 1, 4096);
        long output = SettingValues.wholeNumber(source, OUTPUT_KIB, defaults.outputBytes() >> 10, 1, 1 << 20);
        long folder = SettingValues.wholeNumber(source, FOLDER_MIB, defaults.folderBytes() >> 20, 0, 1L << 30);
        return new PluginLimits(Duration.ofMillis(timeout), memory << 20, (int) (output << 10), folder << 20);
    }
}

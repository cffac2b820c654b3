package dev.persona.host.tools;

import java.time.Duration;

import dev.persona.plugins.PluginLimits;
import dev.persona.settings.InvalidSettingException;
import dev.persona.settings.Setting;
import dev.persona.settings.SettingSource;

/**
 * What one plugin call may use, as the owner sets it (docs/plugins.md, "Limits"); each setting left out keeps the
 * value of {@link PluginLimits#DEFAULT}.
 */
final class ToolLimitsSettings {

    private static final PluginLimits DEFAULTS = PluginLimits.DEFAULT;
    static final Setting<Long> TIMEOUT_MS = Setting.wholeNumber("persona.tools.timeout.ms",
            DEFAULTS.timeout().toMillis(), 100, 600_000);
    static final Setting<Long> MEMORY_MIB = Setting.wholeNumber("persona.tools.memory.mib",
            DEFAULTS.memoryBytes() >> 20, 1, 4096);
    static final Setting<Long> OUTPUT_KIB = Setting.wholeNumber("persona.tools.output.kib",
            DEFAULTS.outputBytes() >> 10, 1, 1 << 20);
    /** Not a plugin's limit but the tool loop's: rounds of tool calls in one answer. */
    static final Setting<Integer> MAX_ROUNDS = Setting.integer("persona.tools.max.rounds", 4, 1, 64);
    static final Setting<Long> FOLDER_MIB = Setting.wholeNumber("persona.tools.folder.mib",
            DEFAULTS.folderBytes() >> 20, 0, 1L << 30);

    private ToolLimitsSettings() {
    }

    /**
     * Reads the limits by name.
     *
     * @throws InvalidSettingException naming the setting, its value and what is accepted
     */
    static PluginLimits from(SettingSource source) {
        long timeout = TIMEOUT_MS.from(source);
        long memory = MEMORY_MIB.from(source);
        long output = OUTPUT_KIB.from(source);
        long folder = FOLDER_MIB.from(source);
        return new PluginLimits(Duration.ofMillis(timeout), memory << 20, (int) (output << 10), folder << 20);
    }
}

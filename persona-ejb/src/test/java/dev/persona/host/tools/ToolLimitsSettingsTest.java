package dev.persona.host.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import dev.persona.plugins.PluginLimits;
import org.junit.jupiter.api.Test;

class ToolLimitsSettingsTest {

    @Test
    void withoutSettingsTheDefaultLimitsHold() {
        assertEquals(PluginLimits.DEFAULT, from(Map.of()));
        assertEquals(PluginLimits.DEFAULT, from(Map.of(ToolLimitsSettings.TIMEOUT_MS, "  ")));
    }

    @Test
    void eachLimitIsReadInItsUnit() {
        PluginLimits limits = from(Map.of(ToolLimitsSettings.TIMEOUT_MS, "1500", ToolLimitsSettings.MEMORY_MIB, "16",
                ToolLimitsSettings.OUTPUT_KIB, "64", ToolLimitsSettings.FOLDER_MIB, "0"));
        assertEquals(new PluginLimits(Duration.ofMillis(1500), 16L << 20, 64 << 10, 0), limits);
    }

    @Test
    void badValuesNameTheSettingAndWhatIsAccepted() {
        assertMessage(Map.of(ToolLimitsSettings.TIMEOUT_MS, "5s"),
                "Invalid value '5s' for persona.tools.timeout.ms: expected a whole number.");
        assertMessage(Map.of(ToolLimitsSettings.TIMEOUT_MS, "10"),
                "Invalid value 10 for persona.tools.timeout.ms: expected 100 to 600000.");
        assertMessage(Map.of(ToolLimitsSettings.MEMORY_MIB, "0"),
                "Invalid value 0 for persona.tools.memory.mib: expected 1 to 4096.");
        assertMessage(Map.of(ToolLimitsSettings.FOLDER_MIB, "-1"),
                "Invalid value -1 for persona.tools.folder.mib: expected 0 to 1073741824.");
    }

    private static void assertMessage(Map<String, String> values, String expected) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> from(values));
        assertTrue(error.getMessage().equals(expected), error.getMessage());
    }

    private static PluginLimits from(Map<String, String> values) {
        return ToolLimitsSettings.from(name -> Optional.ofNullable(values.get(name)));
    }
}

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
        assertEquals(PluginLimits.DEFAULT, from(Map.of(ToolLimitsSettings.TIMEOUT_MS.name(), "  ")));
    }

    @Test
    void eachLimitIsReadInItsUnit() {
        PluginLimits limits = from(Map.of(ToolLimitsSettings.TIMEOUT_MS.name(), "1500",
                ToolLimitsSettings.MEMORY_MIB.name(), "16", ToolLimitsSettings.OUTPUT_KIB.name(), "64",
                ToolLimitsSettings.FOLDER_MIB.name(), "0"));
        assertEquals(new PluginLimits(Duration.ofMillis(1500), 16L << 20, 64 << 10, 0), limits);
    }

    @Test
    void badValuesNameTheSettingAndWhatIsAccepted() {
        assertMessage(Map.of(ToolLimitsSettings.TIMEOUT_MS.name(), "5s"),
                "PERSONA_TOOLS_TIMEOUT_MS = '5s': expected an integer from 100 to 600000.");
        assertMessage(Map.of(ToolLimitsSettings.TIMEOUT_MS.name(), "10"),
                "PERSONA_TOOLS_TIMEOUT_MS = '10': expected an integer from 100 to 600000.");
        assertMessage(Map.of(ToolLimitsSettings.MEMORY_MIB.name(), "0"),
                "PERSONA_TOOLS_MEMORY_MIB = '0': expected an integer from 1 to 4096.");
        assertMessage(Map.of(ToolLimitsSettings.FOLDER_MIB.name(), "-1"),
                "PERSONA_TOOLS_FOLDER_MIB = '-1': expected an integer from 0 to 1073741824.");
    }

    private static void assertMessage(Map<String, String> values, String expected) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> from(values));
        assertTrue(error.getMessage().equals(expected), error.getMessage());
    }

    private static PluginLimits from(Map<String, String> values) {
        return ToolLimitsSettings.from(name -> Optional.ofNullable(values.get(name)));
    }
}

package dev.persona.host.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

class SystemInfoFactsTest {

    @Test
    void everyFactIsSharedUnlessTheOwnerNamesSomeOrNone() {
        assertEquals(List.copyOf(SystemInfoFacts.ALL), List.copyOf(from(null)));
        assertEquals(Set.of(), from("none"));
        assertEquals(List.of("os", "time_zone"), List.copyOf(from(" time_zone, OS ")));
    }

    @Test
    void theCallSeesOnlyTheSharedFacts() {
        Map<String, String> environment = SystemInfoFacts.environment(from("processors,time_zone"));
        assertEquals(Set.of("PERSONA_INFO_PROCESSORS", "PERSONA_INFO_TIME_ZONE"), environment.keySet());
        assertEquals(Integer.toString(Runtime.getRuntime().availableProcessors()),
                environment.get("PERSONA_INFO_PROCESSORS"));
        assertEquals(Map.of(), SystemInfoFacts.environment(from("none")));
    }

    @Test
    void anUnknownFactNamesTheSettingAndTheKnownOnes() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> from("os,hostname"));
        assertEquals("PERSONA_TOOLS_SYSTEM_INFO_FACTS = 'os,hostname': expected some of os, processors, java,"
                + " host_uptime_minutes, time_zone, or none.", error.getMessage());
    }

    private static Set<String> from(String value) {
        return SystemInfoFacts.from(
                name -> Optional.ofNullable(name.equals(SystemInfoFacts.SETTING.name()) ? value : null));
    }
}

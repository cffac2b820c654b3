package dev.persona.web.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import dev.persona.host.load.LoadSample;
import org.junit.jupiter.api.Test;

class ConsoleFormattingTest {

    @Test
    void parameterCountsAndSizesReadLikePeopleSayThem() {
        assertEquals("3.8 B", row(3_821_079_552L, 2_393_232_672L).parameters());
        assertEquals("2.1 M", row(2_134_336L, 4_996_448L).parameters());
        assertEquals("460 K", row(460_000L, 1L).parameters());
        assertEquals("4.8 MiB", row(1, 4_996_448L).size());
        assertEquals("2.2 GiB", row(1, 2_393_232_672L).size());
    }

    @Test
    void theLoadChartIsAChartJsLineConfigurationWithTwoAxes() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        String json = LoadChart.json(List.of(new LoadSample(t, 12.345, 0, 1, 4),
                new LoadSample(t.plusSeconds(2), 20, 3, 4, 4)));
        assertTrue(json.startsWith("{\"type\":\"line\""), json);
        assertTrue(json.contains("\"data\":[12.3,20.0]"), json);
        assertTrue(json.contains("\"data\":[0,3]"), json);
        assertTrue(json.contains("\"yAxisID\":\"queue\""), json);
    }

    @Test
    void aSessionsRequestIsShownOnOneLineAndCutAtEightyCharacters() {
        assertEquals("", session(null).shortRequest());
        assertEquals("Tell me a long story.", session("  Tell me\n a   long story. ").shortRequest());
        String shown = session("x".repeat(200)).shortRequest();
        assertEquals(80, shown.length());
        assertTrue(shown.endsWith("…"), shown);
    }

    @Test
    void aToolCallsDurationIsInMillisecondsAndItsResultIsCut() {
        ToolCallRow call = new ToolCallRow(Instant.EPOCH, "calculate", "{}", "ok", "y".repeat(400), 1_534);
        assertEquals("1.5 ms", call.duration());
        assertEquals(160, call.shortResult().length());
        assertTrue(call.ok());
    }

    private static SessionRow session(String request) {
        return new SessionRow("phone", "JavaPhone", "Persona", "connected", "data channel", request, 3);
    }

    private static ModelRow row(long parameters, long size) {
        return new ModelRow("m.gguf", "m", "llama", parameters, 4096L, "Q4_K_M", size, true, false);
    }
}

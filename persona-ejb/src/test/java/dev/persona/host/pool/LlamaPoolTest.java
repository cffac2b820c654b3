package dev.persona.host.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import dev.persona.llama.BackendState;
import dev.persona.llama.BackendStatus;
import dev.persona.llama.ModelSummary;
import dev.persona.llama.SlotStatus;
import org.junit.jupiter.api.Test;

/** The connector's backends and slots as the pool's plain records. */
class LlamaPoolTest {

    private static final Instant SINCE = Instant.parse("2026-01-02T03:04:05Z");

    private static BackendStatus backend(String name, BackendState state, ModelSummary model) {
        return new BackendStatus(name, state, state == BackendState.FAILED ? "exited with 1" : null, SINCE, 2, 3,
                4242L, 1, List.of("line 1", "line 2"), model);
    }

    @Test
    void eachProcessCountsItsOwnBusyAndFreeSlots() {
        ModelSummary model = new ModelSummary("/data/models/tiny.gguf", 1000, "tiny", "llama", 5, 512L, "Q8_0");
        List<LlamaPool.Process> processes = LlamaPool.processes(List.of(
                backend("llama-server 1", BackendState.READY, model),
                backend("llama-server 2", BackendState.FAILED, null)), List.of(
                new SlotStatus("llama-server 1", 0, 256, true, 10),
                new SlotStatus("llama-server 1", 1, 256, false, 0),
                new SlotStatus("llama-server 1", 2, 256, true, 3),
                new SlotStatus("elsewhere", 0, 256, true, 3)));

        assertEquals(new LlamaPool.Process("llama-server 1", LlamaPool.State.READY, null, SINCE, 2, 4242L, 1,
                List.of("line 1", "line 2"), "/data/models/tiny.gguf", 2, 1), processes.get(0));
        LlamaPool.Process failed = processes.get(1);
        assertEquals(LlamaPool.State.FAILED, failed.state());
        assertEquals("exited with 1", failed.detail());
        assertNull(failed.modelPath());
        assertEquals(0, failed.busySlots());
        assertEquals(0, failed.freeSlots());
    }

    @Test
    void everyStateOfTheConnectorHasItsNamesake() {
        for (BackendState state : BackendState.values()) {
            assertEquals(state.name(), LlamaPool.processes(List.of(backend("b", state, null)), List.of()).get(0)
                    .state().name());
        }
        assertEquals(BackendState.values().length, LlamaPool.State.values().length,
                Arrays.toString(LlamaPool.State.values()));
    }
}

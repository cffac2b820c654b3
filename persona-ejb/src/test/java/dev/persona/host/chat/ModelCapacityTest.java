package dev.persona.host.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;

import dev.persona.llama.PoolSettings;
import dev.persona.llama.SlotStatus;
import org.junit.jupiter.api.Test;

class ModelCapacityTest {

    @Test
    void thePoolsSlotsAreItsSlotsPerProcessTimesItsProcessesEachWithItsShareOfTheContext() {
        assertEquals(new ModelCapacity(4, 1024), ModelCapacity.of(new PoolSettings("m.gguf", 4096, 4, "0", 1)));
        assertEquals(new ModelCapacity(6, 2048), ModelCapacity.of(new PoolSettings("m.gguf", 4096, 2, "0", 3)));
        assertEquals(new ModelCapacity(2, 0), ModelCapacity.of(new PoolSettings("m.gguf", 0, 2, "0", 1)),
                "with the model's own context only the servers can tell");
    }

    @Test
    void whatServersReportCountsTheirSlotsAndTheSmallestContext() {
        assertEquals(Optional.of(new ModelCapacity(3, 512)), ModelCapacity.reported(List.of(
                new SlotStatus("a", 0, 2048, false, 0), new SlotStatus("a", 1, 2048, true, 7),
                new SlotStatus("b", 0, 512, false, 0))));
        assertEquals(Optional.empty(), ModelCapacity.reported(List.of()));
        assertEquals(Optional.empty(), ModelCapacity.reported(List.of(new SlotStatus("a", 0, 0, false, 0))));
    }
}

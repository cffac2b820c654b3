package dev.persona.host.chat;

import java.util.List;
import java.util.Optional;

import dev.persona.llama.PoolSettings;
import dev.persona.llama.SlotStatus;

/**
 * How many answers the model server generates at once and the context of each, worked out from what the connector
 * says: its local pool's settings ({@code -np} slots in each of its processes, {@code -c} shared by a process's
 * slots), or the slots llama-servers report ({@code /slots}).
 *
 * @param slots      answers generated at once
 * @param slotTokens the context of one slot; 0 when the pool runs with the model's own context ({@code -c 0}),
 *                   which only the servers can tell
 */
record ModelCapacity(int slots, int slotTokens) {

    /**
     * What the chat plans with for external servers that report no slots (Ollama, vLLM, or none answered yet): four
     * slots of 1 024 tokens, llama-server's slots at its usual {@code -c 4096 -np 4}.
     */
    static final ModelCapacity UNREPORTED = new ModelCapacity(4, 1024);

    /** The capacity of the local pool that runs with {@code pool}. */
    static ModelCapacity of(PoolSettings pool) {
        int perProcess = Math.max(1, pool.parallelSlots());
        return new ModelCapacity(perProcess * Math.max(1, pool.processes()),
                Math.max(0, pool.contextSize()) / perProcess);
    }

    /** What the servers report: their slots in all and the smallest context among them; empty if none says. */
    static Optional<ModelCapacity> reported(List<SlotStatus> slots) {
        int smallest = slots.stream().mapToInt(SlotStatus::contextSize).filter(n -> n > 0).min().orElse(0);
        return smallest > 0 ? Optional.of(new ModelCapacity(slots.size(), smallest)) : Optional.empty();
    }
}

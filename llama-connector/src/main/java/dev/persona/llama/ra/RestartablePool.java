package dev.persona.llama.ra;

import java.io.IOException;
import java.util.List;

import dev.persona.llama.backend.Backend;
import dev.persona.llama.backend.BackendGroup;
import dev.persona.llama.process.LlamaServerPool;

/**
 * The local pool as the gateway sees it, so that a restart with new settings ({@link LlamaResourceAdapter#restartPool})
 * reaches every managed connection: they all hold the one gateway over this group, which swaps the pool beneath.
 */
final class RestartablePool implements BackendGroup {

    private volatile LlamaServerPool current;

    RestartablePool(LlamaServerPool first) {
        this.current = first;
    }

    LlamaServerPool current() {
        return current;
    }

    /** Stops the running processes, then starts {@code next}'s; on failure {@code next} stays, stopped. */
    synchronized void replace(LlamaServerPool next) throws IOException {
        LlamaServerPool previous = current;
        current = next;
        previous.stop();
        next.start();
    }

    @Override
    public List<? extends Backend> backends() {
        return current.backends();
    }

    @Override
    public String unavailableReason() {
        return current.unavailableReason();
    }
}

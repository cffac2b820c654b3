package dev.persona.host.chat;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

import dev.persona.host.tools.ToolContext;
import dev.persona.host.tools.ToolLoop;
import dev.persona.host.tools.TurnTools;
import dev.persona.llama.ChatListener;
import dev.persona.llama.ChatRequest;
import dev.persona.llama.ChatStream;
import dev.persona.llama.LlamaConnection;
import dev.persona.llama.LlamaConnectionFactory;
import dev.persona.llama.LlamaException;
import dev.persona.llama.PoolSettings;

/**
 * The chat's {@link ModelGateway} over the llama connector: the slots and their context are those of the local
 * pool as it runs now ({@link LlamaConnectionFactory#poolSettings()}, which the console may change while the host
 * runs); with the model's own context ({@code -c 0}) or external servers, what the servers report at
 * {@code /slots}.
 */
final class LlamaModelGateway implements ModelGateway {

    /** How long what external servers report is trusted before they are asked again. */
    private static final long REPORT_NANOS = 60_000_000_000L;

    private final LlamaConnectionFactory llama;
    private final TurnTools tools;
    private final String configuredModel;
    /** The capacity worked out last, and for which pool (null: external servers). */
    private volatile Known known;

    private record Known(PoolSettings pool, ModelCapacity capacity, long at) {
    }

    /**
     * @param configuredModel the model file named in the configuration, for the model's name when the connector
     *                        runs no pool of its own (external servers); may be blank
     */
    LlamaModelGateway(LlamaConnectionFactory llama, TurnTools tools, String configuredModel) {
        this.llama = Objects.requireNonNull(llama, "llama");
        this.tools = Objects.requireNonNull(tools, "tools");
        this.configuredModel = configuredModel == null ? "" : configuredModel;
    }

    @Override
    public int slots() {
        PoolSettings pool = currentPool();
        return pool != null ? ModelCapacity.of(pool).slots() : capacity(null).slots();
    }

    @Override
    public int slotTokens() {
        return capacity(currentPool()).slotTokens();
    }

    private ModelCapacity capacity(PoolSettings pool) {
        Known last = known;
        if (last != null && Objects.equals(last.pool(), pool)
                && (pool != null || System.nanoTime() - last.at() < REPORT_NANOS)) {
            return last.capacity();
        }
        ModelCapacity capacity;
        if (pool == null) {
            capacity = reported().orElse(ModelCapacity.UNREPORTED);
        } else {
            capacity = ModelCapacity.of(pool);
            if (capacity.slotTokens() == 0) {
                capacity = new ModelCapacity(capacity.slots(), reportedSlotTokens());
            }
        }
        known = new Known(pool, capacity, System.nanoTime());
        return capacity;
    }

    /** What the servers report, or empty when they say nothing or cannot be asked now. */
    private Optional<ModelCapacity> reported() {
        try (LlamaConnection connection = llama.getConnection()) {
            return ModelCapacity.reported(connection.slots());
        } catch (LlamaException | RuntimeException notNow) {
            return Optional.empty();
        }
    }

    /** The smallest context the pool's servers report for a slot, for a pool with the model's own context. */
    private int reportedSlotTokens() {
        try (LlamaConnection connection = llama.getConnection()) {
            return ModelCapacity.reported(connection.slots())
                    .orElseThrow(() -> new LlamaException("no slot reported its context")).slotTokens();
        } catch (LlamaException | RuntimeException e) {
            throw new IllegalStateException("The slot context is unknown (persona.llama.context.size is 0 and "
                    + "llama-server did not say: " + e.getMessage() + "); set persona.llama.context.size.", e);
        }
    }

    /**
     * The local pool's settings as they are now, or null when the connector has none (external servers only). Read
     * from the factory, not through a connection: a turn reads them two or three times before its request goes out,
     * and each connection from WildFly's pool cost more than the read.
     */
    private PoolSettings currentPool() {
        try {
            return llama.poolSettings();
        } catch (LlamaException | RuntimeException noLocalPool) {
            return null;
        }
    }

    @Override
    public String modelName() {
        PoolSettings pool = currentPool();
        String model = pool != null && pool.modelFile() != null && !pool.modelFile().isBlank() ? pool.modelFile()
                : configuredModel;
        String file = model.isBlank() ? "unknown" : Path.of(model).getFileName().toString();
        return file.endsWith(".gguf") ? file.substring(0, file.length() - 5) : file;
    }

    @Override
    public ChatStream stream(ChatRequest request, ToolContext context, ChatListener listener,
                             ToolLoop.Observer observer) throws LlamaException {
        return tools.stream(llama, request, context, listener, observer);
    }
}

package dev.persona.llama.ra;

import dev.persona.llama.BackendMetrics;
import dev.persona.llama.BackendStatus;
import dev.persona.llama.ChatListener;
import dev.persona.llama.ChatRequest;
import dev.persona.llama.ChatStream;
import dev.persona.llama.LlamaConnection;
import dev.persona.llama.LlamaException;
import dev.persona.llama.PoolSettings;
import dev.persona.llama.ServerProperties;
import dev.persona.llama.SlotStatus;
import dev.persona.llama.backend.LlamaGateway;

import java.util.List;

/**
 * The {@link LlamaConnection} an application holds: a handle on a managed connection, whose gateway does the
 * work. {@link #close()} gives the managed connection back to the container; streams started keep running.
 */
public final class LlamaConnectionHandle implements LlamaConnection {

    private volatile LlamaManagedConnection managedConnection;

    LlamaConnectionHandle(LlamaManagedConnection managedConnection) {
        this.managedConnection = managedConnection;
    }

    @Override
    public ChatStream streamChat(ChatRequest request, ChatListener listener) throws LlamaException {
        return gateway().streamChat(request, listener);
    }

    @Override
    public List<BackendStatus> backends() throws LlamaException {
        return gateway().backends();
    }

    @Override
    public List<SlotStatus> slots() throws LlamaException {
        return gateway().slots();
    }

    @Override
    public List<BackendMetrics> metrics() throws LlamaException {
        return gateway().metrics();
    }

    @Override
    public List<ServerProperties> props() throws LlamaException {
        return gateway().props();
    }

    @Override
    public PoolSettings poolSettings() throws LlamaException {
        return localAdapter().poolSettings();
    }

    @Override
    public void restartPool(PoolSettings settings) throws LlamaException {
        localAdapter().restartPool(settings);
    }

    @Override
    public void close() {
        LlamaManagedConnection current = managedConnection;
        if (current != null) {
            managedConnection = null;
            current.handleClosed(this);
        }
    }

    /** Moves this handle to another managed connection (the container's {@code associateConnection}). */
    void associate(LlamaManagedConnection connection) {
        LlamaManagedConnection previous = managedConnection;
        managedConnection = connection;
        if (previous != null && previous != connection) {
            previous.forget(this);
        }
    }

    /** Makes the handle unusable (the container cleaned up or destroyed its managed connection). */
    void invalidate() {
        managedConnection = null;
    }

    /** The adapter whose local processes this handle uses; external servers are not the host's to restart. */
    private LlamaResourceAdapter localAdapter() throws LlamaException {
        LlamaManagedConnection current = managedConnection;
        if (current == null) {
            throw new LlamaException("This LlamaConnection is closed; get a new one from the LlamaConnectionFactory");
        }
        return current.factory().localAdapter();
    }

    private LlamaGateway gateway() throws LlamaException {
        LlamaManagedConnection current = managedConnection;
        if (current == null) {
            throw new LlamaException("This LlamaConnection is closed; get a new one from the LlamaConnectionFactory");
        }
        return current.gateway();
    }
}

package dev.persona.llama.ra;

import dev.persona.llama.LlamaConnection;
import dev.persona.llama.LlamaConnectionFactory;
import dev.persona.llama.LlamaException;
import dev.persona.llama.PoolSettings;

import jakarta.resource.Referenceable;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;

import java.io.Serializable;

import javax.naming.Reference;

/** The {@link LlamaConnectionFactory} in JNDI: asks the container's connection manager for each connection. */
public class ContainerLlamaConnectionFactory implements LlamaConnectionFactory, Serializable, Referenceable {

    private static final long serialVersionUID = 1L;

    private final LlamaManagedConnectionFactory managedFactory;
    private final ConnectionManager connectionManager;
    private Reference reference;

    ContainerLlamaConnectionFactory(LlamaManagedConnectionFactory managedFactory, ConnectionManager manager) {
        this.managedFactory = managedFactory;
        this.connectionManager = manager;
    }

    @Override
    public LlamaConnection getConnection() throws LlamaException {
        try {
            return (LlamaConnection) connectionManager.allocateConnection(managedFactory, null);
        } catch (LlamaException e) {
            throw e;
        } catch (ResourceException e) {
            throw new LlamaException("The container could not provide a llama connection: " + e.getMessage(), e);
        }
    }

    @Override
    public PoolSettings poolSettings() throws LlamaException {
        return managedFactory.localAdapter().poolSettings();
    }

    @Override
    public void setReference(Reference reference) {
        this.reference = reference;
    }

    @Override
    public Reference getReference() {
        return reference;
    }
}

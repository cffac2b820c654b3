package dev.persona.llama;

/**
 * Where applications get {@link LlamaConnection}s:
 * {@code @Resource(lookup = LlamaConnectionFactory.LOOKUP, mappedName = LlamaConnectionFactory.MAPPED_NAME)
 * LlamaConnectionFactory llama;}.
 */
public interface LlamaConnectionFactory {

    /**
     * The name WildFly binds the factory under ({@code META-INF/ironjacamar.xml}). WildFly takes a resource's
     * {@code lookup} and reads {@code mappedName} only where no lookup is given.
     */
    String LOOKUP = "java:/eis/llama";

    /**
     * The name Payara binds the factory under (the EAR's {@code META-INF/glassfish-resources.xml}), an
     * application-scoped name, since WildFly's {@code java:/} cannot be bound there (Payara's global resource
     * names cannot hold a ':'). Payara takes a resource's {@code mappedName} before its {@code lookup}.
     */
    String MAPPED_NAME = "java:app/eis/llama";

    /**
     * A connection handle from the container's pool.
     *
     * @throws LlamaException if the container cannot provide one
     */
    LlamaConnection getConnection() throws LlamaException;

    /**
     * The local pool's settings as they run now, as {@link LlamaConnection#poolSettings()} says them, read without
     * taking a connection from the container's pool (its connection manager costs more than the read; the chat
     * reads them at each turn).
     *
     * @throws LlamaException if the factory serves external servers (no pool of the host's own) or its resource
     *                        adapter is not there
     */
    PoolSettings poolSettings() throws LlamaException;
}

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
     * The name Payara binds the factory under (a connector resource, server-config's {@code src/main/payara}): its
     * resource names cannot hold a ':', so no {@code java:} name serves both servers. Payara takes a resource's
     * {@code mappedName} before its {@code lookup}.
     */
    String MAPPED_NAME = "eis/llama";

    /**
     * A connection handle from the container's pool.
     *
     * @throws LlamaException if the container cannot provide one
     */
    LlamaConnection getConnection() throws LlamaException;
}

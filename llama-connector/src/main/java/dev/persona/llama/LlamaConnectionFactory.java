package dev.persona.llama;

/**
 * Where applications get {@link LlamaConnection}s:
 * {@code @Resource(lookup = "java:/eis/llama") LlamaConnectionFactory llama;}.
 */
public interface LlamaConnectionFactory {

    /**
     * A connection handle from the container's pool.
     *
     * @throws LlamaException if the container cannot provide one
     */
    LlamaConnection getConnection() throws LlamaException;
}

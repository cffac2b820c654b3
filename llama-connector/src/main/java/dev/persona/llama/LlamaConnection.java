package dev.persona.llama;

import java.util.List;

/**
 * A connection to the llama backends: local llama-server processes the resource adapter runs, or the external
 * OpenAI-compatible servers the connection factory names. Each chat goes to the least busy backend that is ready.
 * A handle is cheap; get one, use it, close it (try-with-resources). Streams it started keep running after close.
 */
public interface LlamaConnection extends AutoCloseable {

    /**
     * Starts streaming the answer to {@code request} ({@code POST /v1/chat/completions} with {@code stream: true})
     * and returns at once; {@code listener} receives the tokens and the outcome.
     *
     * @throws LlamaException if no backend is ready (the message lists the state of each), or this handle is closed
     */
    ChatStream streamChat(ChatRequest request, ChatListener listener) throws LlamaException;

    /** The state of every backend: processes with their log tail, or external servers. Makes no request. */
    List<BackendStatus> backends() throws LlamaException;

    /**
     * The slots of every ready llama-server ({@code /slots}). Servers without that endpoint, and external
     * servers that failed and were not tried again by a chat request since, are left out.
     *
     * @throws LlamaException if a ready backend fails to answer
     */
    List<SlotStatus> slots() throws LlamaException;

    /**
     * The metrics of every ready backend ({@code /metrics}). Servers without that endpoint, and external
     * servers that failed and were not tried again by a chat request since, are left out.
     *
     * @throws LlamaException if a ready backend fails to answer
     */
    List<BackendMetrics> metrics() throws LlamaException;

    /**
     * The properties of every ready llama-server ({@code /props}). Servers without that endpoint, and external
     * servers that failed and were not tried again by a chat request since, are left out.
     *
     * @throws LlamaException if a ready backend fails to answer
     */
    List<ServerProperties> props() throws LlamaException;

    /** The changeable settings of the local pool as they are now. */
    PoolSettings poolSettings() throws LlamaException;

    /**
     * Checks {@code settings}, then stops the local llama-server processes and starts them again with them; returns
     * once the new processes are starting (watch {@link #backends()} for LOADING_MODEL, then READY). Answers being
     * streamed end with {@link ChatListener#onError}; requests meanwhile fail with "no backend is ready".
     *
     * @throws LlamaException naming the setting that is wrong (nothing changes then), or when this connection
     *                        serves external servers, which the host does not run
     */
    void restartPool(PoolSettings settings) throws LlamaException;

    /** Gives the handle back to the container's pool. Idempotent. */
    @Override
    void close();
}

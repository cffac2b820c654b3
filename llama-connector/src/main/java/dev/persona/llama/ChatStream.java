package dev.persona.llama;

import java.util.concurrent.CompletionStage;

/**
 * One answer being streamed. {@link #cancel()} closes the HTTP connection, which makes llama-server stop the task
 * and free its slot at once. The stream does not depend on the {@link LlamaConnection} that started it: closing
 * the connection leaves the stream running.
 */
public interface ChatStream {

    /**
     * Stops the answer and frees the slot. Idempotent; does nothing once the answer is complete. A listener call
     * already under way may still finish, but none starts afterwards.
     */
    void cancel();

    /** Whether the answer is complete, failed or cancelled. */
    boolean isDone();

    /** The backend serving this answer, e.g. {@code llama-server 1 (127.0.0.1:39100)} or a server's URL. */
    String backend();

    /**
     * The outcome, for callers that prefer a future to the listener: completes with the answer, or exceptionally
     * with the {@link LlamaException} the listener got, or with a {@link java.util.concurrent.CancellationException}.
     */
    CompletionStage<ChatCompletion> completion();
}

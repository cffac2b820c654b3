package dev.persona.llama;

/**
 * Receives one streamed answer: any number of {@link #onToken} calls, then exactly one of {@link #onComplete} or
 * {@link #onError} — unless the stream is cancelled, after which no further call starts.
 *
 * <p>Calls come one at a time (each after the previous one returned) on the connector's HTTP client threads,
 * straight from the parser, so that a token costs no thread switch; which of its threads delivers a call may change
 * within one answer. Return quickly and never block in them: coalesce tokens and hand slow work (database writes,
 * sending to a peer that may stall) to an executor of your own.
 */
public interface ChatListener {

    /** The next piece of the answer's text, as the server sent it (often one token). */
    void onToken(String text);

    /** The answer is complete; the slot is free again. */
    void onComplete(ChatCompletion completion);

    /** The answer failed; the message names the backend and says what happened. */
    void onError(LlamaException error);
}

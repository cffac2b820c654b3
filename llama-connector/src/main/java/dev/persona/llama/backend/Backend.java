package dev.persona.llama.backend;

import dev.persona.llama.BackendStatus;
import dev.persona.llama.LlamaException;
import dev.persona.llama.http.ChatExchange;
import dev.persona.llama.http.LlamaServerClient;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One server that can take chat requests. It counts the answers streaming from it, which is the load the
 * {@link LeastBusyRouter} compares, and learns from each outcome (an external server that failed waits a while
 * before it gets requests again).
 */
public abstract class Backend {

    private final AtomicInteger activeStreams = new AtomicInteger();

    /** Its name in messages and status, e.g. {@code llama-server 1 (127.0.0.1:39100)}. */
    public abstract String name();

    /** Whether it takes requests now. */
    public abstract boolean isReady();

    /** The client for a new request, or {@code null} if it is not ready (it may have died a moment ago). */
    public abstract LlamaServerClient client();

    /**
     * The client for a status query ({@code /slots}, {@code /metrics}, {@code /props}), or {@code null}. Only a
     * chat request tries a backend again after a failure; a status query leaves a failed one out until then.
     */
    public LlamaServerClient statusClient() {
        return client();
    }

    /** How many answers it computes in parallel; the router compares {@code activeStreams / slots}. */
    public abstract int slots();

    /** A snapshot for the console. */
    public abstract BackendStatus status();

    /** Answers this connector is streaming from it now. */
    public final int activeStreams() {
        return activeStreams.get();
    }

    /** Called by the router when it gives this backend a request. */
    final void streamStarted() {
        activeStreams.incrementAndGet();
    }

    /** The request the router gave it was not sent after all (it stopped being ready in between). */
    final void streamWithdrawn() {
        activeStreams.decrementAndGet();
    }

    /**
     * Called once per request the router gave it, when the answer ended.
     *
     * @param failure how it failed, or {@code null} if it completed or was cancelled
     * @param error   the failure, or {@code null}
     */
    final void streamEnded(ChatExchange.Failure failure, LlamaException error) {
        activeStreams.decrementAndGet();
        if (failure == null || failure == ChatExchange.Failure.REJECTED) {
            answered();
        } else if (failure != ChatExchange.Failure.DROPPED) {
            failed(error);
        }
    }

    /** The backend could not be reached or broke off an answer. */
    protected abstract void failed(LlamaException error);

    /** The backend answered (completely, or with a refusal that was the request's fault). */
    protected abstract void answered();

    @Override
    public String toString() {
        return name();
    }
}

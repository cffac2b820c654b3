package dev.persona.llama.backend;

import dev.persona.llama.ChatCompletion;
import dev.persona.llama.ChatListener;
import dev.persona.llama.ChatRequest;
import dev.persona.llama.ChatStream;
import dev.persona.llama.LlamaException;
import dev.persona.llama.http.ChatExchange;
import dev.persona.llama.http.LlamaServerClient;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@link ChatStream} an application holds: runs the request as a {@link ChatExchange} on the backend the
 * router picks and, if that backend turns out unreachable before the answer starts, on the next one; a connection
 * dropped before any response (a kept-alive connection the server just closed) is retried once on the same one.
 * Tokens pass straight through to the application's listener; a listener that throws gets its stream cancelled.
 */
final class RoutedChatStream implements ChatStream, ChatExchange.Listener {

    private static final Logger LOG = Logger.getLogger(RoutedChatStream.class.getName());

    private final BackendGroup group;
    private final LeastBusyRouter router;
    private final ChatRequest request;
    private final ChatListener listener;
    private final CompletableFuture<ChatCompletion> outcome = new CompletableFuture<>();
    private final List<Backend> tried = new CopyOnWriteArrayList<>();
    private volatile Backend backend;
    private volatile ChatExchange exchange;
    private volatile boolean cancelled;
    private boolean resent;

    RoutedChatStream(BackendGroup group, LeastBusyRouter router, ChatRequest request, ChatListener listener) {
        this.group = group;
        this.router = router;
        this.request = request;
        this.listener = listener;
    }

    /**
     * Sends the request to the least busy ready backend.
     *
     * @throws LlamaException if none is ready
     */
    void start() throws LlamaException {
        LlamaException unavailable = sendToNextBackend();
        if (unavailable != null) {
            throw unavailable;
        }
    }

    /** Starts an exchange with the next backend; returns why none could take it, or {@code null} on success. */
    private LlamaException sendToNextBackend() {
        while (true) {
            Backend chosen = router.acquire(group.backends(), tried).orElse(null);
            if (chosen == null) {
                return new LlamaException(group.unavailableReason());
            }
            tried.add(chosen);
            LlamaServerClient client = chosen.client();
            if (client == null) {
                chosen.streamWithdrawn();
                continue;
            }
            backend = chosen;
            ChatExchange started = new ChatExchange(client.name(), this);
            exchange = started;
            client.streamChat(request, started);
            if (cancelled && started.cancel()) {
                chosen.streamEnded(null, null);
                outcome.cancel(false);
            }
            return null;
        }
    }

    @Override
    public void cancel() {
        stop(null);
    }

    /** Cancels the exchange; the outcome is a cancellation, or {@code listenerFailure} if the listener threw. */
    private void stop(RuntimeException listenerFailure) {
        cancelled = true;
        ChatExchange current = exchange;
        if (current != null && current.cancel()) {
            backend.streamEnded(null, null);
            if (listenerFailure == null) {
                outcome.cancel(false);
            } else {
                outcome.completeExceptionally(listenerFailure);
            }
        }
    }

    @Override
    public boolean isDone() {
        return outcome.isDone();
    }

    @Override
    public String backend() {
        Backend current = backend;
        return current == null ? "" : current.name();
    }

    @Override
    public CompletionStage<ChatCompletion> completion() {
        return outcome.minimalCompletionStage();
    }

    @Override
    public void onToken(String text) {
        try {
            listener.onToken(text);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "The chat listener failed on a token; the answer from " + backend()
                    + " is cancelled", e);
            stop(e);
        }
    }

    @Override
    public void onComplete(ChatCompletion completion) {
        backend.streamEnded(null, null);
        outcome.complete(completion);
        try {
            listener.onComplete(completion);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "The chat listener failed on the completion from " + completion.backend(), e);
        }
    }

    @Override
    public void onFailure(LlamaException error, ChatExchange.Failure failure) {
        Backend failed = backend;
        failed.streamEnded(failure, error);
        if (failure == ChatExchange.Failure.DROPPED && !resent && !cancelled) {
            resent = true;
            tried.remove(failed);
        }
        if ((failure == ChatExchange.Failure.UNAVAILABLE || failure == ChatExchange.Failure.DROPPED) && !cancelled) {
            LlamaException noOther = sendToNextBackend();
            if (noOther == null) {
                LOG.info(() -> error.getMessage() + (backend == failed ? "; sent the request again"
                        : "; the request went to " + backend() + " instead"));
                return;
            }
        }
        outcome.completeExceptionally(error);
        try {
            listener.onError(error);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "The chat listener failed on an error from " + failed.name(), e);
        }
    }
}

package dev.persona.host.tools;

import dev.persona.llama.ChatCompletion;
import dev.persona.llama.ChatListener;
import dev.persona.llama.ChatMessage;
import dev.persona.llama.ChatRequest;
import dev.persona.llama.ChatStream;
import dev.persona.llama.LlamaException;
import dev.persona.llama.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * One answer with tools, seen from outside as one {@link ChatStream}: the model's text streams to the listener as
 * usual; when a round ends in tool calls, the calls run (on the executor, never on the connector's network thread),
 * their results go back to the model as {@code tool} messages, and the next round streams on. After
 * {@code maxRounds} rounds with tool calls the last request says {@code tool_choice: none}, so the model must
 * answer in words. The listener sees tokens of every round and one {@code onComplete} (of the last round) or
 * {@code onError}; after {@link #cancel()} it sees nothing more.
 */
public final class ToolLoop implements ChatStream {

    /** Starts one streamed round (in the server: a connection from the factory, then {@code streamChat}). */
    @FunctionalInterface
    public interface Streamer {
        ChatStream stream(ChatRequest request, ChatListener listener) throws LlamaException;
    }

    /** Runs one tool call to its end; never throws. */
    @FunctionalInterface
    public interface Runner {
        ToolResult run(ToolCall call);
    }

    /** Sees each tool call begin and end (the phone's tool cards). */
    public interface Observer {
        void calling(ToolCall call);

        void called(ToolResult result);
    }

    private final Streamer streamer;
    private final Runner runner;
    private final Executor executor;
    private final Observer observer;
    private final ChatListener listener;
    private final int maxRounds;
    private final List<ChatMessage> messages;
    private final CompletableFuture<ChatCompletion> outcome = new CompletableFuture<>();
    private ChatRequest request;
    private ChatStream current;
    private int toolRounds;
    private boolean cancelled;

    private ToolLoop(ChatRequest request, int maxRounds, Streamer streamer, Runner runner, Executor executor,
                     Observer observer, ChatListener listener) {
        this.request = request;
        this.maxRounds = maxRounds;
        this.streamer = streamer;
        this.runner = runner;
        this.executor = executor;
        this.observer = observer;
        this.listener = listener;
        this.messages = new ArrayList<>(request.messages());
    }

    /**
     * Starts the first round. Throws like {@code streamChat} when no backend is ready; everything later arrives at
     * the listener.
     */
    public static ToolLoop start(ChatRequest request, int maxRounds, Streamer streamer, Runner runner, Executor executor,
                                 Observer observer, ChatListener listener) throws LlamaException {
        if (maxRounds < 1) {
            throw new IllegalArgumentException("maxRounds must be at least 1, not " + maxRounds);
        }
        ToolLoop loop = new ToolLoop(request, maxRounds, streamer, runner, executor, observer, listener);
        synchronized (loop) {
            loop.current = streamer.stream(request, loop.new Round());
        }
        return loop;
    }

    /** Listens to one round. */
    private final class Round implements ChatListener {

        @Override
        public void onToken(String text) {
            synchronized (ToolLoop.this) {
                if (cancelled) {
                    return;
                }
            }
            listener.onToken(text);
        }

        @Override
        public void onComplete(ChatCompletion completion) {
            boolean another;
            synchronized (ToolLoop.this) {
                if (cancelled) {
                    return;
                }
                another = !completion.toolCalls().isEmpty() && toolRounds < maxRounds && !request.tools().isEmpty();
            }
            if (!another) {
                finish(completion);
                return;
            }
            try {
                executor.execute(() -> runTools(completion));
            } catch (RejectedExecutionException e) {
                fail(new LlamaException("the tool calls could not start: the server is shutting down", e));
            }
        }

        @Override
        public void onError(LlamaException error) {
            fail(error);
        }
    }

    private void runTools(ChatCompletion completion) {
        List<ChatMessage> results = new ArrayList<>();
        for (ToolCall call : completion.toolCalls()) {
            synchronized (this) {
                if (cancelled) {
                    return;
                }
            }
            observer.calling(call);
            ToolResult result = runner.run(call);
            observer.called(result);
            results.add(ChatMessage.tool(call.id(), result.forModel()));
        }
        LlamaException failure;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            toolRounds++;
            messages.add(ChatMessage.assistant(completion.content(), completion.toolCalls()));
            messages.addAll(results);
            request = request.withMessages(messages);
            if (toolRounds >= maxRounds) {
                request = request.withTools(request.tools(), "none");
            }
            try {
                current = streamer.stream(request, new Round());
                return;
            } catch (LlamaException e) {
                failure = e;
            }
        }
        fail(failure);
    }

    private void finish(ChatCompletion completion) {
        synchronized (this) {
            if (cancelled || outcome.isDone()) {
                return;
            }
            outcome.complete(completion);
        }
        listener.onComplete(completion);
    }

    private void fail(LlamaException error) {
        synchronized (this) {
            if (cancelled || outcome.isDone()) {
                return;
            }
            outcome.completeExceptionally(error);
        }
        listener.onError(error);
    }

    /** How many rounds ended in tool calls that were run. */
    public synchronized int toolRounds() {
        return toolRounds;
    }

    @Override
    public void cancel() {
        ChatStream stream;
        synchronized (this) {
            if (cancelled || outcome.isDone()) {
                return;
            }
            cancelled = true;
            stream = current;
            outcome.completeExceptionally(new CancellationException("the answer was stopped"));
        }
        stream.cancel();
    }

    @Override
    public boolean isDone() {
        return outcome.isDone();
    }

    @Override
    public synchronized String backend() {
        return current.backend();
    }

    @Override
    public CompletionStage<ChatCompletion> completion() {
        return outcome;
    }
}

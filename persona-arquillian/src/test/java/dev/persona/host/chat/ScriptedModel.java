package dev.persona.host.chat;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.persona.host.tools.ToolContext;
import dev.persona.host.tools.ToolLoop;
import dev.persona.llama.ChatCompletion;
import dev.persona.llama.ChatListener;
import dev.persona.llama.ChatRequest;
import dev.persona.llama.ChatStream;
import dev.persona.llama.TokenUsage;

/**
 * A fixture standing in for the model server behind the chat core (the connector and llama-server have a
 * micro-deployment of their own): one slot, and each answer the test scripted, streamed token by token from the
 * container's managed executor as the connector streams from its threads; a held answer streams its tokens and then
 * waits, as a long answer does, until the chat cancels it.
 */
final class ScriptedModel implements ModelGateway {

    static final String NAME = "scripted-fixture";

    private final Executor executor;
    private final BlockingQueue<Answer> started = new LinkedBlockingQueue<>();
    private volatile List<String> tokens = List.of();
    private volatile boolean hold;

    ScriptedModel(Executor executor) {
        this.executor = executor;
    }

    /** The next answers stream {@code pieces}, then complete ({@code hold} false) or wait to be cancelled. */
    void script(boolean hold, String... pieces) {
        this.tokens = List.of(pieces);
        this.hold = hold;
    }

    /** The next answer the chat asked for, waiting for it (a turn starts on the executor after "accepted"). */
    Answer started() throws InterruptedException {
        Answer answer = started.poll(60, TimeUnit.SECONDS);
        if (answer == null) {
            throw new AssertionError("the chat asked the model for no answer within 60 s");
        }
        return answer;
    }

    @Override
    public int slots() {
        return 1;
    }

    @Override
    public int slotTokens() {
        return 2048;
    }

    @Override
    public String modelName() {
        return NAME;
    }

    @Override
    public ChatStream stream(ChatRequest request, ToolContext context, ChatListener listener,
                             ToolLoop.Observer observer) {
        Answer answer = new Answer(request, tokens, hold, listener);
        started.add(answer);
        executor.execute(answer::run);
        return answer;
    }

    /** One scripted answer. */
    static final class Answer implements ChatStream {
        final ChatRequest request;
        /** Counts down once every token went out (a held answer waits from then on). */
        final CountDownLatch streamed = new CountDownLatch(1);
        private final List<String> tokens;
        private final boolean hold;
        private final ChatListener listener;
        private volatile boolean cancelled;
        private volatile boolean done;

        Answer(ChatRequest request, List<String> tokens, boolean hold, ChatListener listener) {
            this.request = request;
            this.tokens = tokens;
            this.hold = hold;
            this.listener = listener;
        }

        private void run() {
            for (String token : tokens) {
                if (cancelled) {
                    return;
                }
                listener.onToken(token);
            }
            streamed.countDown();
            if (!hold && !cancelled) {
                done = true;
                listener.onComplete(new ChatCompletion(String.join("", tokens), "stop",
                        new TokenUsage(request.messages().size(), tokens.size()), null, NAME));
            }
        }

        boolean cancelled() {
            return cancelled;
        }

        @Override
        public void cancel() {
            cancelled = true;
            done = true;
        }

        @Override
        public boolean isDone() {
            return done;
        }

        @Override
        public String backend() {
            return NAME;
        }

        @Override
        public CompletionStage<ChatCompletion> completion() {
            return new CompletableFuture<>();
        }
    }
}

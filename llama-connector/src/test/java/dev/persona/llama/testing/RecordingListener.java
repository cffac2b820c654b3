package dev.persona.llama.testing;

import dev.persona.llama.ChatCompletion;
import dev.persona.llama.ChatListener;
import dev.persona.llama.LlamaException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link ChatListener} that records what it gets, with waits for the tests. */
public final class RecordingListener implements ChatListener {

    private final List<String> tokens = new ArrayList<>();
    private final Set<Thread> tokenThreads = new HashSet<>();
    private final AtomicInteger callsInProgress = new AtomicInteger();
    private volatile boolean overlapped;
    private final CompletableFuture<ChatCompletion> completion = new CompletableFuture<>();
    private final CompletableFuture<LlamaException> error = new CompletableFuture<>();
    private volatile long firstTokenNanos;

    @Override
    public void onToken(String text) {
        if (callsInProgress.incrementAndGet() != 1) {
            overlapped = true;
        }
        try {
            record(text);
        } finally {
            callsInProgress.decrementAndGet();
        }
    }

    private synchronized void record(String text) {
        if (tokens.isEmpty()) {
            firstTokenNanos = System.nanoTime();
        }
        tokens.add(text);
        tokenThreads.add(Thread.currentThread());
        notifyAll();
    }

    @Override
    public void onComplete(ChatCompletion result) {
        completion.complete(result);
    }

    @Override
    public void onError(LlamaException failure) {
        error.complete(failure);
    }

    public synchronized List<String> tokens() {
        return new ArrayList<>(tokens);
    }

    /** Whether an {@link #onToken} call began while another was still running (the contract says never). */
    public boolean tokensOverlapped() {
        return overlapped;
    }

    /** The threads that delivered tokens. */
    public synchronized Set<Thread> tokenThreads() {
        return new HashSet<>(tokenThreads);
    }

    public synchronized int tokenCount() {
        return tokens.size();
    }

    /** {@link System#nanoTime()} at the first token, or 0. */
    public long firstTokenNanos() {
        return firstTokenNanos;
    }

    /** Waits until at least {@code count} tokens arrived; returns whether they did in time. */
    public synchronized boolean awaitTokens(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (tokens.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    public ChatCompletion awaitCompletion(Duration timeout) throws Exception {
        return CompletableFuture.anyOf(completion, error.thenApply(failure -> {
            throw new AssertionError("expected a completion, got: " + failure.getMessage(), failure);
        })).thenApply(ChatCompletion.class::cast).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public LlamaException awaitError(Duration timeout) throws Exception {
        return error.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isComplete() {
        return completion.isDone();
    }

    public boolean hasError() {
        return error.isDone();
    }
}

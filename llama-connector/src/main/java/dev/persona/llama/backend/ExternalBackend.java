package dev.persona.llama.backend;

import dev.persona.llama.BackendState;
import dev.persona.llama.BackendStatus;
import dev.persona.llama.LlamaException;
import dev.persona.llama.http.LlamaServerClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * An OpenAI-compatible server the connector does not run (another llama-server, Ollama, vLLM), known by URL and
 * API key. It takes requests until one fails to reach it or breaks off; then it rests for a back-off delay
 * (1 s, doubling to 30 s) and takes requests again, so a flapping server is tried less and less often.
 */
final class ExternalBackend extends Backend {

    private static final Duration FIRST_RETRY_DELAY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(30);

    private final LlamaServerClient client;
    private final Clock clock;
    private final Backoff backoff = new Backoff(FIRST_RETRY_DELAY, MAX_RETRY_DELAY);
    private Instant since;
    private Instant retryAt;
    private String lastError;

    ExternalBackend(LlamaServerClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
        this.since = clock.instant();
    }

    @Override
    public String name() {
        return client.name();
    }

    @Override
    public synchronized boolean isReady() {
        return retryAt == null || !clock.instant().isBefore(retryAt);
    }

    @Override
    public LlamaServerClient client() {
        return isReady() ? client : null;
    }

    @Override
    public synchronized LlamaServerClient statusClient() {
        return retryAt == null ? client : null;
    }

    /** Unknown for a server the connector does not run: the router compares plain stream counts. */
    @Override
    public int slots() {
        return 1;
    }

    @Override
    public synchronized BackendStatus status() {
        boolean failing = retryAt != null;
        String detail = null;
        if (failing) {
            Duration wait = Duration.between(clock.instant(), retryAt);
            detail = lastError + (wait.isNegative() ? "; will be tried with the next request"
                    : "; next try in " + Math.max(1, wait.toSeconds()) + " s");
        }
        return new BackendStatus(name(), failing ? BackendState.FAILED : BackendState.READY, detail, since,
                activeStreams(), slots(), null, 0, List.of(), null);
    }

    @Override
    protected synchronized void failed(LlamaException error) {
        if (retryAt == null) {
            since = clock.instant();
        }
        lastError = error.getMessage();
        retryAt = clock.instant().plus(backoff.nextDelay());
    }

    @Override
    protected synchronized void answered() {
        if (retryAt != null) {
            since = clock.instant();
        }
        backoff.reset();
        retryAt = null;
        lastError = null;
    }
}

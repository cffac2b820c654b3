package dev.persona.host.load;

import java.time.Instant;
import java.util.List;
import java.util.logging.Logger;

import dev.persona.host.chat.ChatHost;
import dev.persona.host.chat.LiveSessions;
import dev.persona.llama.BackendMetrics;
import dev.persona.llama.LlamaConnection;
import dev.persona.llama.LlamaConnectionFactory;
import dev.persona.llama.LlamaException;
import dev.persona.llama.SlotStatus;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;

/**
 * Samples the load every two seconds and keeps the last ten minutes for the console's charts: tokens per second
 * from llama-server's {@code tokens_predicted_total} (finished requests) plus the tokens its busy slots generated so
 * far (a long answer counts while it streams), the queue, busy slots. The arithmetic is {@link LoadHistory}'s.
 *
 * <p>It starts after {@code ChatHost}: a call into a component that failed to start waits for it forever, so a
 * sample taken while a failed deployment rolls back would hold up the server's stop.
 */
@Singleton
@Startup
@DependsOn("ChatHost")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class HostLoad {

    static final int KEPT_SAMPLES = 300;
    private static final Logger LOG = Logger.getLogger(HostLoad.class.getName());
    private static final String TOKENS_PREDICTED = "llamacpp:tokens_predicted_total";
    private static final String REQUESTS_DEFERRED = "llamacpp:requests_deferred";

    @Resource(lookup = LlamaConnectionFactory.LOOKUP, mappedName = LlamaConnectionFactory.MAPPED_NAME)
    private LlamaConnectionFactory llama;

    @EJB
    private ChatHost chat;

    private final LoadHistory history = new LoadHistory(KEPT_SAMPLES);
    private boolean warned;

    @Schedule(hour = "*", minute = "*", second = "*/2", persistent = false)
    synchronized void sample() {
        double tokens = 0;
        int deferred = 0;
        int busy = 0;
        int slots = 0;
        try (LlamaConnection connection = llama.getConnection()) {
            for (BackendMetrics metrics : connection.metrics()) {
                tokens += metrics.value(TOKENS_PREDICTED).orElse(0);
                deferred += (int) metrics.value(REQUESTS_DEFERRED).orElse(0);
            }
            for (SlotStatus slot : connection.slots()) {
                slots++;
                if (slot.processing()) {
                    busy++;
                    tokens += slot.decodedTokens();
                }
            }
            warned = false;
        } catch (LlamaException | RuntimeException e) {
            if (!warned) {
                LOG.fine(() -> "No load sample from the llama connector: " + e.getMessage());
                warned = true;
            }
        }
        // The turns the chat sent ahead wait in llama-server's queue too: each waiting request counts once.
        LiveSessions turns = chat.liveSessions();
        history.add(Instant.now(), System.nanoTime(), tokens,
                turns.waitingTurns() + Math.max(0, deferred - turns.turnsSentAhead()), busy, slots);
    }

    /** Oldest first. */
    public synchronized List<LoadSample> samples() {
        return history.samples();
    }

    public synchronized LoadSample latest() {
        return history.latest(Instant.now());
    }
}

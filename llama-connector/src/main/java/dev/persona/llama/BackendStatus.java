package dev.persona.llama;

import java.time.Instant;
import java.util.List;

/**
 * A snapshot of one backend, for the console and for health checks.
 *
 * @param name          e.g. {@code llama-server 1 (127.0.0.1:39100)} or an external server's URL
 * @param state         where it stands
 * @param detail        why it is in that state (the failure reason, the retry time), or {@code null}
 * @param since         when it entered the state
 * @param activeStreams answers this connector is streaming from it now
 * @param slots         parallel slots (local processes), or 1 for an external server whose capacity is unknown
 * @param pid           the process id of a local process while it runs, else {@code null}
 * @param restarts      how often a local process was restarted after dying or failing to start
 * @param recentLog     the last lines the process wrote (local processes; empty for external servers)
 * @param model         the model file a local process serves, or {@code null}
 */
public record BackendStatus(String name, BackendState state, String detail, Instant since, int activeStreams,
                           int slots, Long pid, int restarts, List<String> recentLog, ModelSummary model) {

    public BackendStatus {
        recentLog = List.copyOf(recentLog);
    }
}

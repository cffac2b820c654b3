package dev.persona.llama.backend;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Picks the ready backend with the lowest share of busy slots ({@code activeStreams / slots}) and counts the new
 * stream in the same step, so that two requests arriving together spread out. Ties go to the backend listed first:
 * a single user's consecutive turns then stay on one llama-server, whose slots keep the conversation's prompt cache.
 */
public final class LeastBusyRouter {

    /**
     * Chooses a backend for one request and counts it as started there.
     *
     * @param excluded backends this request already tried
     * @return empty if no ready backend is left
     */
    public synchronized Optional<Backend> acquire(List<? extends Backend> backends, Collection<Backend> excluded) {
        Backend best = null;
        for (Backend candidate : backends) {
            if (excluded.contains(candidate) || !candidate.isReady()) {
                continue;
            }
            if (best == null || lessBusy(candidate, best)) {
                best = candidate;
            }
        }
        if (best != null) {
            best.streamStarted();
        }
        return Optional.ofNullable(best);
    }

    /** {@code a.active / a.slots < b.active / b.slots}, without division. */
    static boolean lessBusy(Backend a, Backend b) {
        return (long) a.activeStreams() * b.slots() < (long) b.activeStreams() * a.slots();
    }
}

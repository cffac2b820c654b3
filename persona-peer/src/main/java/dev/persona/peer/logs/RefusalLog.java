package dev.persona.peer.logs;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Refusals of requests from others, logged without letting a flood of them flood the log: the first refusal of a
 * source in an interval is logged in full; the further ones of that source are counted, and {@link #summarise()}
 * (called once per interval) logs one line per source with their number. At most
 * {@value #MAX_SOURCES} sources are told apart per interval; the refusals of further sources are counted together.
 * Safe to use from any thread.
 */
public final class RefusalLog {

    static final int MAX_SOURCES = 1000;

    private final Logger log;
    private final String what;
    private final Duration interval;
    private Map<String, Counted> counted = new HashMap<>();
    private long otherSources;

    /**
     * @param log where the lines go (at WARNING)
     * @param what what is refused, in the plural, for the summaries: "offers"
     * @param interval how often {@link #summarise()} is called, for the lines' words
     */
    public RefusalLog(Logger log, String what, Duration interval) {
        this.log = log;
        this.what = what;
        this.interval = interval;
    }

    /** Refusals of one source in this interval after the first, which was logged. */
    private static final class Counted {
        long further;
    }

    /**
     * One refusal.
     *
     * @param source who sent the refused request, as the server vouches for it (a phone's key id), never text the
     *               sender chose
     * @param reason the log line, with anything the sender chose escaped ({@link LogText}); made only when logged
     */
    public void refused(String source, Supplier<String> reason) {
        synchronized (this) {
            Counted seen = counted.get(source);
            if (seen != null) {
                seen.further++;
                return;
            }
            if (counted.size() >= MAX_SOURCES) {
                otherSources++;
                return;
            }
            counted.put(source, new Counted());
        }
        log.warning(() -> reason.get() + " (Further refusals of " + source + " within "
                + interval.toMillis() + " ms are counted, not logged one by one.)");
    }

    /** Logs what was counted since the last call, one line per source, and starts counting anew. */
    public void summarise() {
        Map<String, Counted> last;
        long others;
        synchronized (this) {
            last = counted;
            others = otherSources;
            counted = new HashMap<>();
            otherSources = 0;
        }
        last.forEach((source, seen) -> {
            if (seen.further > 0) {
                log.warning("Refused " + seen.further + " more " + what + " from " + source + " in the last "
                        + interval.toMillis() + " ms.");
            }
        });
        if (others > 0) {
            log.warning("Refused " + others + " " + what + " from more than " + MAX_SOURCES + " other sources in the "
                    + "last " + interval.toMillis() + " ms.");
        }
    }
}

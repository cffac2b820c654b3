package dev.persona.web.console;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import dev.persona.host.pool.LlamaPool;

/** One llama-server process (or external server) as the dashboard and the model page show it. */
public record ProcessRow(LlamaPool.Process status) {

    public String name() {
        return status.name();
    }

    public int busySlots() {
        return status.busySlots();
    }

    public int freeSlots() {
        return status.freeSlots();
    }

    /** e.g. "ready", "loading model". */
    public String state() {
        return status.state().name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** The badge's style class. */
    public String stateClass() {
        return switch (status.state()) {
            case READY -> "badge ok";
            case STARTING, LOADING_MODEL -> "badge busy";
            case FAILED -> "badge bad";
            case STOPPED -> "badge off";
        };
    }

    public String model() {
        if (status.modelPath() == null) {
            return "—";
        }
        String path = status.modelPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    public String since() {
        Duration ago = Duration.between(status.since(), Instant.now());
        return ago.toHours() > 0 ? ago.toHours() + " h " + ago.toMinutesPart() + " min"
                : ago.toMinutes() > 0 ? ago.toMinutes() + " min " + ago.toSecondsPart() + " s" : ago.toSeconds() + " s";
    }

    /** The failure and the last lines of output, when the process failed; else the last few lines. */
    public List<String> logTail() {
        List<String> log = status.recentLog();
        return log.subList(Math.max(0, log.size() - 12), log.size());
    }
}

package dev.persona.host.pool;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.persona.llama.BackendState;
import dev.persona.llama.BackendStatus;
import dev.persona.llama.LlamaConnection;
import dev.persona.llama.LlamaConnectionFactory;
import dev.persona.llama.LlamaException;
import dev.persona.llama.PoolSettings;
import dev.persona.llama.SlotStatus;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The llama connector's pool for the console: its processes with their slots, its model and sizes, and a restart
 * with new ones. The connector's failures become an {@link UnavailableException} with the connector's message.
 */
@ApplicationScoped
public class LlamaPool {

    /** Where a process stands (the connector's states, named alike). */
    public enum State { STARTING, LOADING_MODEL, READY, FAILED, STOPPED }

    /**
     * One llama-server process (or external server).
     *
     * @param name          e.g. {@code llama-server 1 (127.0.0.1:39100)} or an external server's URL
     * @param state         where it stands
     * @param detail        why it is in that state (the failure, the retry time), or {@code null}
     * @param since         when it entered the state
     * @param activeStreams answers streaming from it now
     * @param pid           the process id while a local process runs, else {@code null}
     * @param restarts      how often a local process was restarted
     * @param recentLog     the last lines the process wrote
     * @param modelPath     the model file a local process serves, or {@code null}
     * @param busySlots     slots working on a request now (0 where the slots were not read)
     * @param freeSlots     idle slots (0 where the slots were not read)
     */
    public record Process(String name, State state, String detail, Instant since, int activeStreams, Long pid,
                          int restarts, List<String> recentLog, String modelPath, int busySlots, int freeSlots) {
        public Process {
            recentLog = List.copyOf(recentLog);
        }
    }

    /**
     * The pool's model and sizes, as the console's model page changes them.
     *
     * @param modelFile     the GGUF model file (a path, or a name in the models folder); may be blank
     * @param contextSize   context per process in tokens, 0 for the model's own
     * @param parallelSlots parallel slots per process
     * @param gpuLayers     layers offloaded to the GPU: a number, {@code all} or {@code auto}
     * @param processes     number of llama-server processes
     */
    public record Sizes(String modelFile, int contextSize, int parallelSlots, String gpuLayers, int processes) {
    }

    /**
     * The processes and, where the connector or the slots could not be read, why ({@code null} otherwise).
     */
    public record Report(List<Process> processes, String error) {
        public Report {
            processes = List.copyOf(processes);
        }
    }

    /** The connector could not be reached or refused the request; the message says why. */
    public static final class UnavailableException extends Exception {

        private static final long serialVersionUID = 1L;

        UnavailableException(LlamaException cause) {
            super(cause.getMessage(), cause);
        }
    }

    @Resource(lookup = LlamaConnectionFactory.LOOKUP, mappedName = LlamaConnectionFactory.MAPPED_NAME)
    private LlamaConnectionFactory llama;

    /** The processes with their busy and free slots; never throws (the dashboard shows the error instead). */
    public Report report() {
        try (LlamaConnection connection = llama.getConnection()) {
            List<SlotStatus> slots;
            String error = null;
            try {
                slots = connection.slots();
            } catch (LlamaException e) {
                slots = List.of();
                error = e.getMessage();
            }
            return new Report(processes(connection.backends(), slots), error);
        } catch (LlamaException e) {
            return new Report(List.of(), e.getMessage());
        }
    }

    /** The processes and their state, without their slots (the model page's restart progress). */
    public List<Process> processes() throws UnavailableException {
        try (LlamaConnection connection = llama.getConnection()) {
            return processes(connection.backends(), List.of());
        } catch (LlamaException e) {
            throw new UnavailableException(e);
        }
    }

    /** The pool's current model and sizes. */
    public Sizes sizes() throws UnavailableException {
        try (LlamaConnection connection = llama.getConnection()) {
            PoolSettings settings = connection.poolSettings();
            return new Sizes(settings.modelFile(), settings.contextSize(), settings.parallelSlots(),
                    settings.gpuLayers(), settings.processes());
        } catch (LlamaException e) {
            throw new UnavailableException(e);
        }
    }

    /** Restarts the pool's processes with {@code sizes} (the connector keeps them over a host restart). */
    public void restart(Sizes sizes) throws UnavailableException {
        try (LlamaConnection connection = llama.getConnection()) {
            connection.restartPool(new PoolSettings(sizes.modelFile(), sizes.contextSize(), sizes.parallelSlots(),
                    sizes.gpuLayers(), sizes.processes()));
        } catch (LlamaException e) {
            throw new UnavailableException(e);
        }
    }

    /** Each backend with the count of its busy and free slots among {@code slots}. */
    static List<Process> processes(List<BackendStatus> backends, List<SlotStatus> slots) {
        Map<String, int[]> counts = new HashMap<>();
        for (SlotStatus slot : slots) {
            counts.computeIfAbsent(slot.backend(), b -> new int[2])[slot.processing() ? 0 : 1]++;
        }
        List<Process> processes = new ArrayList<>();
        for (BackendStatus status : backends) {
            int[] busyFree = counts.getOrDefault(status.name(), new int[2]);
            processes.add(new Process(status.name(), state(status.state()), status.detail(), status.since(),
                    status.activeStreams(), status.pid(), status.restarts(), status.recentLog(),
                    status.model() == null ? null : status.model().path(), busyFree[0], busyFree[1]));
        }
        return processes;
    }

    private static State state(BackendState state) {
        return switch (state) {
            case STARTING -> State.STARTING;
            case LOADING_MODEL -> State.LOADING_MODEL;
            case READY -> State.READY;
            case FAILED -> State.FAILED;
            case STOPPED -> State.STOPPED;
        };
    }
}

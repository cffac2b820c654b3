package dev.persona.llama.process;

import java.util.concurrent.Executor;

/**
 * Runs the pool's long-running tasks (one supervisor and one log reader per process). In the container this is
 * the resource adapter's {@code WorkManager}; outside it (tests, benchmarks) any {@link Executor}.
 */
@FunctionalInterface
public interface BackgroundTasks {

    /**
     * Starts {@code task}, which may run as long as the pool does.
     *
     * @param name what the task is, for thread names and messages
     * @throws java.util.concurrent.RejectedExecutionException if it cannot be started
     */
    void start(String name, Runnable task);

    /** Tasks run by {@code executor}, which must have a thread for each. */
    static BackgroundTasks using(Executor executor) {
        return (name, task) -> executor.execute(task);
    }
}

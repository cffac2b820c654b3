package dev.persona.peer;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs tasks one at a time, in the order they were submitted, on a shared executor. Submitting never blocks, so
 * WebRTC's native threads (and WebSocket I/O threads) may submit from their callbacks; a task that throws is logged
 * and the next one runs. One per phone session (the host peer's sessions and the chat's relay transport use it), and
 * one for the chat's turn starts, which must reach the model server in line order.
 */
public final class SerialExecutor implements Executor {

    private static final Logger LOG = Logger.getLogger(SerialExecutor.class.getName());

    /** Tasks run per turn before the queue goes back to the shared executor, so one busy session cannot hog it. */
    private static final int TASKS_PER_TURN = 64;

    private final Executor shared;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    public SerialExecutor(Executor shared) {
        this.shared = shared;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        schedule();
    }

    private void schedule() {
        if (!tasks.isEmpty() && scheduled.compareAndSet(false, true)) {
            try {
                shared.execute(this::runTurn);
            } catch (RejectedExecutionException stopping) {
                scheduled.set(false);
                tasks.clear();
                LOG.log(Level.WARNING, "Dropped a phone session's tasks: the executor refused them, most likely because the "
                        + "application is stopping.", stopping);
            }
        }
    }

    private void runTurn() {
        try {
            Runnable task;
            for (int run = 0; run < TASKS_PER_TURN && (task = tasks.poll()) != null; run++) {
                try {
                    task.run();
                } catch (RuntimeException failure) {
                    LOG.log(Level.SEVERE, "A phone session's task failed; the session goes on with the next one.",
                            failure);
                }
            }
        } finally {
            scheduled.set(false);
            schedule();
        }
    }
}

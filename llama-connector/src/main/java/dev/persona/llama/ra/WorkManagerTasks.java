package dev.persona.llama.ra;

import dev.persona.llama.process.BackgroundTasks;

import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.work.HintsContext;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkContext;
import jakarta.resource.spi.work.WorkContextProvider;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkManager;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs the pool's tasks as {@link Work} of the container's {@link WorkManager}, marked long-running with a
 * {@link HintsContext} where the container supports it (WildFly then takes a thread of its long-running pool), and
 * counts those still running, so that {@code ResourceAdapter.stop} can return only once they have: WildFly stops the
 * work manager's thread pool as soon as the adapter is stopped, and a task that returns after that makes the pool log
 * {@code java.lang.Error: Maximum permit count exceeded} (its shutdown hands out every permit; the task's own
 * release then overflows the semaphore).
 */
final class WorkManagerTasks implements BackgroundTasks {

    private final WorkManager workManager;
    private final boolean hintsSupported;
    /** Tasks started and not yet returned; guarded by {@code this}. */
    private int running;

    WorkManagerTasks(BootstrapContext context) {
        this.workManager = context.getWorkManager();
        this.hintsSupported = context.isContextSupported(HintsContext.class);
    }

    @Override
    public void start(String name, Runnable task) {
        synchronized (this) {
            running++;
        }
        try {
            workManager.startWork(new NamedWork(name, () -> {
                try {
                    task.run();
                } finally {
                    ended();
                }
            }, hintsSupported));
        } catch (WorkException e) {
            ended();
            throw new RejectedExecutionException("The WorkManager refused to start '" + name + "' (" + e.getMessage()
                    + "); give the JCA work manager more long-running threads", e);
        }
    }

    private synchronized void ended() {
        running--;
        notifyAll();
    }

    /** Waits until every task started here has returned, at most {@code timeout}; returns whether they had. */
    synchronized boolean awaitReturned(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (running > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** One task as Work. */
    private static final class NamedWork implements Work, WorkContextProvider {

        private static final long serialVersionUID = 1L;

        private final String name;
        private final transient Runnable task;
        private final boolean withHints;

        NamedWork(String name, Runnable task, boolean withHints) {
            this.name = name;
            this.task = task;
            this.withHints = withHints;
        }

        @Override
        public void run() {
            task.run();
        }

        /** The pool ends its tasks itself (ResourceAdapter.stop stops the processes, whose tasks then return). */
        @Override
        public void release() {
        }

        @Override
        public List<WorkContext> getWorkContexts() {
            if (!withHints) {
                return List.of();
            }
            HintsContext hints = new HintsContext();
            hints.setName(name);
            hints.setHint(HintsContext.LONGRUNNING_HINT, Boolean.TRUE);
            return List.of(hints);
        }

        @Override
        public String toString() {
            return name;
        }
    }
}

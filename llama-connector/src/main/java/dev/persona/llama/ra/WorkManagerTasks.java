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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs the pool's tasks as {@link Work} of the container's {@link WorkManager}, marked long-running with a
 * {@link HintsContext} where the container supports it (WildFly then takes a thread of its long-running pool), and
 * counts those still running, so that {@code ResourceAdapter.stop} can return only once they have and their threads
 * are back in the pool: WildFly stops the work manager's thread pool within milliseconds of the adapter's stop, and
 * a thread still on its way back then makes the pool log {@code java.lang.Error: Maximum permit count exceeded} (the
 * pool's shutdown hands out every permit of its blocking gate; the thread's own release after the task overflows
 * that semaphore). The release comes after our code has returned, so {@link #awaitReturned} also waits until each
 * thread that ran a task is parked (waiting for its next task) or gone: a server log of a CI run showed the error
 * 2 ms after "llama connector stopped" when only the task's own end was awaited.
 */
final class WorkManagerTasks implements BackgroundTasks {

    private final WorkManager workManager;
    private final boolean hintsSupported;
    /** Tasks started and not yet returned; guarded by {@code this}. */
    private int running;
    /** Threads whose task returned and that may not be back in their pool yet; guarded by {@code this}. */
    private final Set<Thread> returning = new HashSet<>();

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
                    ended(Thread.currentThread());
                }
            }, hintsSupported));
        } catch (WorkException e) {
            ended(null);
            throw new RejectedExecutionException("The WorkManager refused to start '" + name + "' (" + e.getMessage()
                    + "); give the JCA work manager more long-running threads", e);
        }
    }

    private synchronized void ended(Thread thread) {
        running--;
        if (thread != null) {
            returning.add(thread);
        }
        notifyAll();
    }

    /**
     * Waits until every task started here has returned and the threads that ran them are parked or gone, at most
     * {@code timeout}; returns whether they were.
     */
    synchronized boolean awaitReturned(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (running > 0 || !allParked()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            // a returning thread does not notify once it is parked: look again after a millisecond
            wait(running > 0 ? Math.max(1, left / 1_000_000) : 1);
        }
        return true;
    }

    /** Drops the threads that are back in their pool (waiting for work) or ended; whether none is left. */
    private boolean allParked() {
        returning.removeIf(thread -> switch (thread.getState()) {
            case WAITING, TIMED_WAITING, TERMINATED -> true;
            default -> false;
        });
        return returning.isEmpty();
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

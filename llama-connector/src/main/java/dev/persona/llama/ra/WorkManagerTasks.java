package dev.persona.llama.ra;

import dev.persona.llama.process.BackgroundTasks;

import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.work.HintsContext;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkContext;
import jakarta.resource.spi.work.WorkContextProvider;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkManager;

import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs the pool's tasks as {@link Work} of the container's {@link WorkManager}, marked long-running with a
 * {@link HintsContext} where the container supports it (WildFly then takes a thread of its long-running pool).
 */
final class WorkManagerTasks implements BackgroundTasks {

    private final WorkManager workManager;
    private final boolean hintsSupported;

    WorkManagerTasks(BootstrapContext context) {
        this.workManager = context.getWorkManager();
        this.hintsSupported = context.isContextSupported(HintsContext.class);
    }

    @Override
    public void start(String name, Runnable task) {
        try {
            workManager.startWork(new NamedWork(name, task, hintsSupported));
        } catch (WorkException e) {
            throw new RejectedExecutionException("The WorkManager refused to start '" + name + "' (" + e.getMessage()
                    + "); give the JCA work manager more long-running threads", e);
        }
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

package dev.persona.testkit.base;

import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.XATerminator;
import jakarta.resource.spi.work.ExecutionContext;
import jakarta.resource.spi.work.HintsContext;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkContext;
import jakarta.resource.spi.work.WorkContextProvider;
import jakarta.resource.spi.work.WorkEvent;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkListener;
import jakarta.resource.spi.work.WorkManager;
import jakarta.transaction.TransactionSynchronizationRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Timer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The part of a container a resource adapter sees at start: a WorkManager running each Work on a daemon thread,
 * with hints supported (so the adapter's long-running hint is exercised). Records the names of the Work it ran.
 */
public final class TestBootstrapContext implements BootstrapContext, AutoCloseable {

    private final Runnable afterEachWork;

    public TestBootstrapContext() {
        this(() -> { });
    }

    /**
     * @param afterEachWork what the work thread does after each Work returned, before it waits for the next one: a
     *                      container's own bookkeeping (WildFly's pool releases a permit there)
     */
    public TestBootstrapContext(Runnable afterEachWork) {
        this.afterEachWork = afterEachWork;
    }

    private final AtomicInteger threads = new AtomicInteger();
    private final ExecutorService executor = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "test-work-" + threads.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });
    private final List<String> longRunningWork = new ArrayList<>();

    private final WorkManager workManager = new WorkManager() {

        @Override
        public void doWork(Work work) {
            work.run();
        }

        @Override
        public void doWork(Work work, long startTimeout, ExecutionContext context, WorkListener listener) {
            work.run();
        }

        @Override
        public long startWork(Work work) {
            record(work);
            executor.execute(() -> {
                try {
                    work.run();
                } finally {
                    afterEachWork.run();
                }
            });
            return 0;
        }

        @Override
        public long startWork(Work work, long startTimeout, ExecutionContext context, WorkListener listener) {
            return startWork(work);
        }

        @Override
        public void scheduleWork(Work work) {
            startWork(work);
        }

        @Override
        public void scheduleWork(Work work, long startTimeout, ExecutionContext context, WorkListener listener)
                throws WorkException {
            if (listener != null) {
                listener.workAccepted(new WorkEvent(this, WorkEvent.WORK_ACCEPTED, work, null));
            }
            startWork(work);
        }
    };

    private synchronized void record(Work work) {
        if (work instanceof WorkContextProvider provider) {
            for (WorkContext context : provider.getWorkContexts()) {
                if (context instanceof HintsContext hints
                        && Boolean.TRUE.equals(hints.getHints().get(HintsContext.LONGRUNNING_HINT))) {
                    longRunningWork.add(hints.getName());
                }
            }
        }
    }

    /** Names of the Work submitted with the long-running hint. */
    public synchronized List<String> longRunningWork() {
        return new ArrayList<>(longRunningWork);
    }

    @Override
    public WorkManager getWorkManager() {
        return workManager;
    }

    @Override
    public XATerminator getXATerminator() {
        return null;
    }

    @Override
    public Timer createTimer() {
        return new Timer(true);
    }

    @Override
    public boolean isContextSupported(Class<? extends WorkContext> type) {
        return type == HintsContext.class;
    }

    @Override
    public TransactionSynchronizationRegistry getTransactionSynchronizationRegistry() {
        return null;
    }

    /** Interrupts Work still running; the adapter must have been stopped first. */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}

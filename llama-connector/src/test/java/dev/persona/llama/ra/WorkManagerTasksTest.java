package dev.persona.llama.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.persona.testkit.base.TestBootstrapContext;
import org.junit.jupiter.api.Test;

class WorkManagerTasksTest {

    @Test
    void theAdapterCanWaitUntilItsTasksReturned() throws Exception {
        try (TestBootstrapContext context = new TestBootstrapContext()) {
            WorkManagerTasks tasks = new WorkManagerTasks(context);
            CountDownLatch running = new CountDownLatch(2);
            CountDownLatch finish = new CountDownLatch(1);
            for (String name : new String[] {"llama-server 1", "llama-server 2"}) {
                tasks.start(name, () -> {
                    running.countDown();
                    try {
                        finish.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            assertTrue(running.await(10, TimeUnit.SECONDS));
            assertFalse(tasks.awaitReturned(Duration.ofMillis(200)), "two tasks still run");
            finish.countDown();
            assertTrue(tasks.awaitReturned(Duration.ofSeconds(10)), "both returned");
            assertEquals(2, context.longRunningWork().size(), "each one was Work with the long-running hint");
        }
    }

    @Test
    void aTaskThatThrowsHasReturnedToo() throws Exception {
        try (TestBootstrapContext context = new TestBootstrapContext()) {
            WorkManagerTasks tasks = new WorkManagerTasks(context);
            tasks.start("failing", () -> {
                throw new IllegalStateException("the process could not start");
            });
            assertTrue(tasks.awaitReturned(Duration.ofSeconds(10)));
        }
    }

    /** What the WildFly pool does after a task: its own bookkeeping, then the thread parks for the next task. */
    @Test
    void theAdapterWaitsUntilTheThreadThatRanATaskIsBackInItsPool() throws Exception {
        AtomicBoolean backInPool = new AtomicBoolean();
        try (TestBootstrapContext context = new TestBootstrapContext(() -> {
            long busyUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            while (System.nanoTime() < busyUntil) {
                Thread.onSpinWait(); // the pool's own return path, running
            }
            backInPool.set(true);
        })) {
            WorkManagerTasks tasks = new WorkManagerTasks(context);
            tasks.start("llama-server 1 supervisor", () -> { });
            assertTrue(tasks.awaitReturned(Duration.ofSeconds(10)));
            assertTrue(backInPool.get(), "awaitReturned returned while the thread was still on its way back");
        }
    }
}

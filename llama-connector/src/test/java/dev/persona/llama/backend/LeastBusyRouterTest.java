package dev.persona.llama.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona.llama.BackendState;
import dev.persona.llama.BackendStatus;
import dev.persona.llama.LlamaException;
import dev.persona.llama.http.LlamaServerClient;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class LeastBusyRouterTest {

    private final LeastBusyRouter router = new LeastBusyRouter();

    /** A backend whose readiness and slots the test sets. */
    private static final class FakeBackend extends Backend {
        private final String name;
        private final int slots;
        private volatile boolean ready = true;

        FakeBackend(String name, int slots) {
            this.name = name;
            this.slots = slots;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean isReady() {
            return ready;
        }

        @Override
        public LlamaServerClient client() {
            return null;
        }

        @Override
        public int slots() {
            return slots;
        }

        @Override
        public BackendStatus status() {
            return new BackendStatus(name, ready ? BackendState.READY : BackendState.FAILED, null, Instant.now(),
                    activeStreams(), slots, null, 0, List.of(), null);
        }

        @Override
        protected void failed(LlamaException error) {
        }

        @Override
        protected void answered() {
        }
    }

    private Backend acquire(List<FakeBackend> backends) {
        return router.acquire(backends, Set.of()).orElseThrow();
    }

    @Test
    void tiesGoToTheFirstBackendSoAConversationKeepsItsCache() {
        FakeBackend first = new FakeBackend("1", 4);
        FakeBackend second = new FakeBackend("2", 4);
        List<FakeBackend> backends = List.of(first, second);

        Backend chosen = acquire(backends);
        chosen.streamEnded(null, null);

        assertEquals(first, chosen);
        assertEquals(first, acquire(backends));
    }

    @Test
    void concurrentRequestsSpreadOverBackends() {
        FakeBackend first = new FakeBackend("1", 2);
        FakeBackend second = new FakeBackend("2", 2);
        List<FakeBackend> backends = List.of(first, second);

        acquire(backends);
        acquire(backends);
        acquire(backends);
        acquire(backends);

        assertEquals(2, first.activeStreams());
        assertEquals(2, second.activeStreams());
    }

    @Test
    void comparesTheShareOfBusySlots() {
        FakeBackend small = new FakeBackend("small", 1);
        FakeBackend large = new FakeBackend("large", 8);
        List<FakeBackend> backends = List.of(small, large);

        acquire(backends);
        for (int i = 0; i < 7; i++) {
            assertEquals(large, acquire(backends), "request " + i);
        }
        assertEquals(1, small.activeStreams());
        assertEquals(7, large.activeStreams());
    }

    @Test
    void skipsBackendsThatAreNotReadyOrAlreadyTried() {
        FakeBackend down = new FakeBackend("down", 4);
        FakeBackend tried = new FakeBackend("tried", 4);
        FakeBackend busy = new FakeBackend("busy", 4);
        down.ready = false;
        busy.streamStarted();
        busy.streamStarted();

        assertEquals(busy, router.acquire(List.of(down, tried, busy), Set.of(tried)).orElseThrow());
        assertTrue(router.acquire(List.of(down, tried), Set.of(tried)).isEmpty());
        assertEquals(0, down.activeStreams());
    }

    @Test
    void endedStreamsFreeCapacity() {
        FakeBackend first = new FakeBackend("1", 1);
        FakeBackend second = new FakeBackend("2", 1);
        List<FakeBackend> backends = List.of(first, second);
        Backend a = acquire(backends);
        acquire(backends);
        a.streamEnded(null, null);

        assertEquals(a, acquire(backends));
    }

    @Test
    void countsEveryRequestUnderContention() throws Exception {
        List<FakeBackend> backends = List.of(new FakeBackend("1", 4), new FakeBackend("2", 4),
                new FakeBackend("3", 4));
        ExecutorService executor = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        try {
            for (int i = 0; i < 120; i++) {
                executor.execute(() -> {
                    try {
                        start.await();
                        acquire(backends);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            start.countDown();
        } finally {
            executor.shutdown();
            assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
        }
        for (FakeBackend backend : backends) {
            assertEquals(40, backend.activeStreams(), backend.name());
        }
    }
}

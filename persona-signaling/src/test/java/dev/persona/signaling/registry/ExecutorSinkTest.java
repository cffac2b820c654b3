package dev.persona.signaling.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class ExecutorSinkTest {

    @Test
    void keepsOrderOnAPoolAndSurvivesAFailingSink() throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<String> received = new CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(1);
            ExecutorSink sink = new ExecutorSink(pool);
            sink.start(new MessageSink() {
                @Override
                public boolean deliver(SignalingMessage message) {
                    if (message.src().equals("boom")) {
                        throw new IllegalStateException("host code failed");
                    }
                    received.add(message.src());
                    return true;
                }

                @Override
                public void disconnected(Disconnect reason) {
                    done.countDown();
                }
            });
            for (int i = 0; i < 1000; i++) {
                sink.deliver(new SignalingMessage(MessageType.CANDIDATE, i == 500 ? "boom" : Integer.toString(i),
                        "host", null));
            }
            sink.disconnected(Disconnect.REPLACED);
            assertTrue(done.await(5, TimeUnit.SECONDS));
            assertEquals(999, received.size());
            for (int i = 1; i < received.size(); i++) {
                assertTrue(Integer.parseInt(received.get(i - 1)) < Integer.parseInt(received.get(i)));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void holdsMessagesUntilStarted() {
        List<Runnable> tasks = new ArrayList<>();
        ExecutorSink sink = new ExecutorSink(tasks::add);
        sink.deliver(new SignalingMessage(MessageType.OPEN, null, null, null));
        sink.deliver(new SignalingMessage(MessageType.OFFER, "phone", "host", null));
        assertTrue(tasks.isEmpty());
        RecordingSink target = new RecordingSink();
        sink.start(target);
        tasks.forEach(Runnable::run);
        assertEquals(List.of(MessageType.OPEN, MessageType.OFFER), target.types());
    }

    @Test
    void aStoppedExecutorDropsMessagesWithoutFailingTheSender() {
        ExecutorSink sink = new ExecutorSink(command -> {
            throw new RejectedExecutionException("stopping");
        });
        sink.start(new RecordingSink());
        assertTrue(sink.deliver(new SignalingMessage(MessageType.OFFER, "phone", "host", null)));
    }
}

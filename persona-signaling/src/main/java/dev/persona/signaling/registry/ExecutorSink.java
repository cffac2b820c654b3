package dev.persona.signaling.registry;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hands an in-process peer's messages to its sink one at a time, in order, on an executor, so that the sender's
 * thread never runs the receiver's code and the receiver may send from inside {@link MessageSink#deliver}. Messages
 * that arrive before {@link #start} (OPEN, and whatever waited for the id) are held until then.
 */
final class ExecutorSink implements MessageSink {

    private static final Logger LOG = Logger.getLogger(ExecutorSink.class.getName());

    private final Executor executor;
    private volatile MessageSink target;
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    ExecutorSink(Executor executor) {
        this.executor = executor;
    }

    /** Starts handing messages, the held ones first, to {@code target}. */
    void start(MessageSink target) {
        this.target = target;
        scheduleDrain();
    }

    @Override
    public boolean deliver(SignalingMessage message) {
        submit(() -> target.deliver(message));
        return true;
    }

    @Override
    public void disconnected(Disconnect reason) {
        submit(() -> target.disconnected(reason));
    }

    private void submit(Runnable call) {
        waiting.add(call);
        scheduleDrain();
    }

    private void scheduleDrain() {
        if (target != null && draining.compareAndSet(false, true)) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException shuttingDown) {
                draining.set(false);
                LOG.log(Level.WARNING, "Dropped messages for an in-process peer: the executor refused the "
                        + "delivery, most likely because the application is stopping.", shuttingDown);
            }
        }
    }

    private void drain() {
        Runnable call;
        while ((call = waiting.poll()) != null) {
            try {
                call.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "An in-process peer failed to take a signaling message; it keeps getting "
                        + "the next ones.", e);
            }
        }
        draining.set(false);
        if (!waiting.isEmpty()) {
            scheduleDrain();
        }
    }
}

package dev.persona.peer;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A chat side for tests: records what the session hears and, if asked, echoes: every text message goes back as it
 * came, a binary message is answered with {@code binary:<its length>}. It speaks no handshake: unless made
 * {@link #unproven()}, it calls the phone proven and admitted as soon as the channel opens.
 */
final class RecordingListener implements PeerSessionListener {

    final CompletableFuture<PeerSession> opened = new CompletableFuture<>();
    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> binaryMessages = new LinkedBlockingQueue<>();
    final BlockingQueue<String> rejections = new LinkedBlockingQueue<>();
    final CompletableFuture<SessionClosed> closed = new CompletableFuture<>();
    final AtomicInteger closeCalls = new AtomicInteger();
    private final boolean echo;
    private final boolean proves;

    private RecordingListener(boolean echo, boolean proves) {
        this.echo = echo;
        this.proves = proves;
    }

    static RecordingListener echoing() {
        return new RecordingListener(true, true);
    }

    static RecordingListener silent() {
        return new RecordingListener(false, true);
    }

    /** Silent, and the phone never completes the handshake: the session stays under the handshake limits. */
    static RecordingListener unproven() {
        return new RecordingListener(false, false);
    }

    @Override
    public void onOpen(PeerSession session) {
        if (proves) {
            session.proven(true);
        }
        opened.complete(session);
    }

    @Override
    public void onText(PeerSession session, String message) {
        messages.add(message);
        if (echo) {
            session.send(message);
        }
    }

    @Override
    public void onBinary(PeerSession session, byte[] message) {
        binaryMessages.add(message);
        if (echo) {
            session.send("binary:" + message.length);
        }
    }

    @Override
    public void onRejectedMessage(PeerSession session, boolean tooLarge, String reason) {
        rejections.add(reason);
    }

    @Override
    public void onClose(PeerSession session, SessionClosed ending) {
        closeCalls.incrementAndGet();
        closed.complete(ending);
    }
}

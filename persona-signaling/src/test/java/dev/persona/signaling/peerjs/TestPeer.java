package dev.persona.signaling.peerjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.json.Json;
import jakarta.json.JsonObject;

/** A peer over the JDK's WebSocket client: what the server sent, in order, and how it closed. */
final class TestPeer implements WebSocket.Listener, AutoCloseable {

    /** How a socket closed. */
    record Closed(int code, String reason) {
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    static TestPeer connect(URI uri) {
        TestPeer peer = new TestPeer();
        peer.socket = HTTP.newWebSocketBuilder().buildAsync(uri, peer).join();
        return peer;
    }

    void send(String text) {
        socket.sendText(text, true).join();
    }

    void send(JsonObject message) {
        send(message.toString());
    }

    void sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    /** The next message, waiting up to 5 s. */
    JsonObject next() throws InterruptedException {
        String text = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(text, "no message within " + WAIT);
        return Json.createReader(new StringReader(text)).readObject();
    }

    /** The next message, which must be of {@code type}. */
    JsonObject next(String type) throws InterruptedException {
        JsonObject message = next();
        assertEquals(type, message.getString("type"), message.toString());
        return message;
    }

    void expectNothingFor(Duration duration) throws InterruptedException {
        assertNull(received.poll(duration.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** The close, waiting up to 5 s. */
    Closed awaitClose() throws Exception {
        return closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean isOpen() {
        return !closed.isDone();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            received.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Closed(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(new Closed(-1, String.valueOf(error)));
    }

    /** Closes politely and waits for the server's close, so the server has finished with the socket. */
    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(error -> null);
        }
        closed.completeOnTimeout(new Closed(-1, "no close from the server"), 2, TimeUnit.SECONDS).join();
        socket.abort();
    }
}

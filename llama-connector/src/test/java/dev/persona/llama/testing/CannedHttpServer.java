package dev.persona.llama.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP/1.1 server that answers each connection with the next canned behaviour: close at once after
 * reading the request, or send a fixed event stream and close. For failure paths a real server cannot be made to
 * take on cue.
 */
public final class CannedHttpServer implements AutoCloseable {

    private final ServerSocket socket;
    private final Deque<String> answers = new ArrayDeque<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final Thread acceptor;

    /** Behaviour: close the connection without answering. */
    public static final String CLOSE = "close";

    public CannedHttpServer() throws IOException {
        socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::serve, "canned-http-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Queues the behaviour of the next connection: {@link #CLOSE}, or an event-stream body to send. */
    public synchronized CannedHttpServer then(String answer) {
        answers.add(answer);
        return this;
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }

    public int connections() {
        return connections.get();
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket connection = socket.accept()) {
                connections.incrementAndGet();
                readRequest(connection.getInputStream());
                String answer;
                synchronized (this) {
                    answer = answers.isEmpty() ? CLOSE : answers.removeFirst();
                }
                if (!answer.equals(CLOSE)) {
                    OutputStream out = connection.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
                            + answer).getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (IOException e) {
                // closed by the test, or the client went away
            }
        }
    }

    private static void readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            head.write(b);
        }
        for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                in.readNBytes(Integer.parseInt(line.substring(line.indexOf(':') + 1).strip()));
            }
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        socket.close();
        acceptor.join(5000);
    }
}

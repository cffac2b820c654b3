package dev.persona.peer;

import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import io.undertow.websockets.spi.WebSocketHttpExchange;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * The smallest PeerJS server the browser test needs, on 127.0.0.1: the peerjs WebSocket ({@code /peerjs}, OPEN on
 * connect, messages relayed with {@code src} set), the test page and the peerjs bundle, and {@code /report}, where
 * the page posts its results. The host is an in-process peer: messages to its id go to its endpoint.
 */
final class PeerjsTestRelay implements AutoCloseable {

    private final Undertow server;
    private final Map<String, WebSocketChannel> phones = new ConcurrentHashMap<>();
    private final List<String> traffic = new CopyOnWriteArrayList<>();
    private final CompletableFuture<JsonObject> report = new CompletableFuture<>();
    private final String hostId;
    private volatile SignalingEndpoint host;

    PeerjsTestRelay(String hostId, byte[] page, byte[] peerjsBundle) {
        this.hostId = hostId;
        server = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                .setHandler(Handlers.path()
                        .addExactPath("/peerjs", Handlers.websocket(this::phoneConnected))
                        .addExactPath("/phone.html", serve("text/html; charset=utf-8", page))
                        .addExactPath("/peerjs.min.js", serve("text/javascript; charset=utf-8", peerjsBundle))
                        .addExactPath("/report", this::receiveReport))
                .build();
        server.start();
    }

    void attachHost(SignalingEndpoint endpoint) {
        host = endpoint;
    }

    /** How the host's messages reach the phones. */
    SignalingLink hostLink() {
        return (type, dst, payload) -> {
            WebSocketChannel phone = phones.get(dst);
            traffic.add("host -> " + dst + ": " + type);
            if (phone != null) {
                JsonObjectBuilder message = Json.createObjectBuilder().add("type", type).add("src", hostId)
                        .add("dst", dst).add("payload", payload);
                WebSockets.sendText(message.build().toString(), phone, null);
            }
        };
    }

    String url(String query) {
        return "http://127.0.0.1:" + ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort()
                + "/phone.html?" + query;
    }

    CompletableFuture<JsonObject> report() {
        return report;
    }

    /** The signaling messages seen so far, for failure messages. */
    List<String> traffic() {
        return List.copyOf(traffic);
    }

    @Override
    public void close() {
        server.stop();
    }

    private void phoneConnected(WebSocketHttpExchange exchange, WebSocketChannel channel) {
        String phoneId = exchange.getRequestParameters().get("id").get(0);
        phones.put(phoneId, channel);
        traffic.add(phoneId + " connected");
        WebSockets.sendText("{\"type\":\"OPEN\"}", channel, null);
        channel.getReceiveSetter().set(new AbstractReceiveListener() {
            @Override
            protected void onFullTextMessage(WebSocketChannel socket, BufferedTextMessage text) {
                JsonObject message = Json.createReader(new StringReader(text.getData())).readObject();
                String type = message.getString("type");
                if (type.equals("HEARTBEAT")) {
                    return;
                }
                traffic.add(phoneId + " -> " + message.getString("dst", "") + ": " + type);
                if (hostId.equals(message.getString("dst", "")) && host != null) {
                    host.receive(type, phoneId, message.get("payload"));
                }
            }
        });
        channel.resumeReceives();
    }

    private void receiveReport(HttpServerExchange exchange) {
        exchange.getRequestReceiver().receiveFullString((done, body) -> {
            report.complete(Json.createReader(new StringReader(body)).readObject());
            done.endExchange();
        });
    }

    private static HttpHandler serve(String contentType, byte[] body) {
        return exchange -> {
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
            exchange.getResponseSender().send(ByteBuffer.wrap(body));
        };
    }
}

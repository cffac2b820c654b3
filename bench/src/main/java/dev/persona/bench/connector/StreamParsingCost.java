package dev.persona.bench.connector;

import dev.persona.llama.ChatCompletion;
import dev.persona.llama.LlamaException;
import dev.persona.llama.http.ChatExchange;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;

/**
 * The client's CPU cost per token, without the network: one recorded event stream of llama-server, cut into the
 * buffers it came in (one per event), fed again and again to the connector's {@link ChatExchange} and to the
 * baseline's body subscriber (the JDK's line subscriber adapter and JSON-P, as {@link DirectChat} reads). The same
 * thread does both, alternating blocks, and its CPU time is what is compared.
 */
final class StreamParsingCost {

    /** CPU nanoseconds per token of each side. */
    record Cost(double oursNanosPerToken, double baselineNanosPerToken, int tokensPerAnswer, int answers) {
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final HttpResponse.ResponseInfo EVENT_STREAM = new HttpResponse.ResponseInfo() {
        @Override
        public int statusCode() {
            return 200;
        }

        @Override
        public HttpHeaders headers() {
            return HttpHeaders.of(Map.of("Content-Type", List.of("text/event-stream")), (name, value) -> true);
        }

        @Override
        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    };
    private static final Flow.Subscription UNLIMITED = new Flow.Subscription() {
        @Override
        public void request(long n) {
        }

        @Override
        public void cancel() {
        }
    };

    private final List<ByteBuffer> events;
    private final int tokens;

    /** @param body a whole event stream as llama-server sent it */
    StreamParsingCost(String body) {
        List<ByteBuffer> cut = new ArrayList<>();
        int tokenCount = 0;
        for (String event : body.split("(?<=\n\n)")) {
            cut.add(ByteBuffer.wrap(event.getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer());
            if (event.contains("\"content\":\"")) {
                tokenCount++;
            }
        }
        events = List.copyOf(cut);
        tokens = tokenCount;
    }

    Cost measure(int blocks, int answersPerBlock) {
        for (int i = 0; i < 2; i++) {
            oursBlock(answersPerBlock);
            baselineBlock(answersPerBlock);
        }
        long ours = 0;
        long baseline = 0;
        for (int block = 0; block < blocks; block++) {
            if (block % 2 == 0) {
                ours += oursBlock(answersPerBlock);
                baseline += baselineBlock(answersPerBlock);
            } else {
                baseline += baselineBlock(answersPerBlock);
                ours += oursBlock(answersPerBlock);
            }
        }
        double perSide = (double) blocks * answersPerBlock * tokens;
        return new Cost(ours / perSide, baseline / perSide, tokens, blocks * answersPerBlock);
    }

    private long oursBlock(int answers) {
        long start = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < answers; i++) {
            int[] seen = new int[1];
            ChatExchange exchange = new ChatExchange("bench", new ChatExchange.Listener() {
                @Override
                public void onToken(String text) {
                    seen[0]++;
                }

                @Override
                public void onComplete(ChatCompletion completion) {
                    seen[0] += 1 << 20;
                }

                @Override
                public void onFailure(LlamaException error, ChatExchange.Failure failure) {
                    throw new IllegalStateException(error);
                }
            });
            HttpResponse.BodySubscriber<Void> subscriber = exchange.apply(EVENT_STREAM);
            subscriber.onSubscribe(UNLIMITED);
            for (ByteBuffer event : events) {
                subscriber.onNext(List.of(event.duplicate()));
            }
            subscriber.onComplete();
            check(seen[0] == tokens + (1 << 20), "the connector", seen[0] & 0xfffff);
        }
        return THREADS.getCurrentThreadCpuTime() - start;
    }

    private long baselineBlock(int answers) {
        long start = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < answers; i++) {
            DirectChat.Stream stream = new DirectChat.Stream();
            HttpResponse.BodySubscriber<Void> subscriber = HttpResponse.BodySubscribers.fromLineSubscriber(stream);
            subscriber.onSubscribe(UNLIMITED);
            for (ByteBuffer event : events) {
                subscriber.onNext(List.of(event.duplicate()));
            }
            subscriber.onComplete();
            check(stream.done.isDone() && stream.tokens == tokens, "the baseline", stream.tokens);
        }
        return THREADS.getCurrentThreadCpuTime() - start;
    }

    private void check(boolean ok, String who, int seen) {
        if (!ok) {
            throw new IllegalStateException(who + " saw " + seen + " tokens of " + tokens);
        }
    }
}

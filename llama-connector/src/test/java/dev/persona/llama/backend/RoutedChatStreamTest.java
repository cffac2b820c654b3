package dev.persona.llama.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona.llama.ChatCompletion;
import dev.persona.llama.ChatRequest;
import dev.persona.llama.ChatStream;
import dev.persona.llama.LlamaException;
import dev.persona.llama.http.LlamaServerClient;
import dev.persona.llama.testing.CannedHttpServer;
import dev.persona.llama.testing.RecordingListener;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retries and listener failures, against a server that misbehaves on cue. */
class RoutedChatStreamTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String ANSWER = "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}"
            + "\n\ndata: {\"choices\":[{\"delta\":{\"content\":\" there\"},\"finish_reason\":null}]}\n\n"
            + "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

    private final CannedHttpServer server;
    private final ExternalBackends group;
    private final LlamaGateway gateway;

    RoutedChatStreamTest() throws Exception {
        server = new CannedHttpServer();
        group = ExternalBackends.parse(server.url().toString(), "", "", LlamaServerClient.newHttpClient(),
                Clock.systemUTC());
        gateway = new LlamaGateway(group);
    }

    @AfterEach
    void close() throws Exception {
        server.close();
    }

    @Test
    void connectionDroppedBeforeTheAnswerIsSentAgainOnce() throws Exception {
        server.then(CannedHttpServer.CLOSE).then(ANSWER);
        RecordingListener listener = new RecordingListener();
        gateway.streamChat(ChatRequest.ofUserMessage("hi"), listener);

        ChatCompletion completion = listener.awaitCompletion(WAIT);
        assertEquals("Hi there", completion.content());
        assertEquals(2, server.connections());
        assertTrue(group.backends().get(0).isReady(), "a dropped connection does not count against the server");
        assertEquals(0, group.backends().get(0).activeStreams());
    }

    @Test
    void connectionDroppedTwiceFailsTheAnswer() throws Exception {
        server.then(CannedHttpServer.CLOSE).then(CannedHttpServer.CLOSE).then(ANSWER);
        RecordingListener listener = new RecordingListener();
        gateway.streamChat(ChatRequest.ofUserMessage("hi"), listener);

        LlamaException error = listener.awaitError(WAIT);
        assertTrue(error.getMessage().startsWith(server.url() + " closed the connection before answering: "),
                error.getMessage());
        assertEquals(2, server.connections());
        assertEquals(0, group.backends().get(0).activeStreams());
    }

    @Test
    void listenerThatThrowsGetsItsStreamCancelled() throws Exception {
        server.then(ANSWER);
        IllegalStateException bug = new IllegalStateException("bug in the listener");
        RecordingListener recorder = new RecordingListener();
        ChatStream stream = gateway.streamChat(ChatRequest.ofUserMessage("hi"), new dev.persona.llama.ChatListener() {
            @Override
            public void onToken(String text) {
                throw bug;
            }

            @Override
            public void onComplete(ChatCompletion completion) {
                recorder.onComplete(completion);
            }

            @Override
            public void onError(LlamaException error) {
                recorder.onError(error);
            }
        });

        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> stream.completion().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertSame(bug, failure.getCause());
        assertTrue(stream.isDone());
        assertFalse(recorder.isComplete() || recorder.hasError());
        assertEquals(0, group.backends().get(0).activeStreams());
    }
}

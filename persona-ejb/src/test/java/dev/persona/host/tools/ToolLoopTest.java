package dev.persona.host.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona.llama.ChatCompletion;
import dev.persona.llama.ChatListener;
import dev.persona.llama.ChatMessage;
import dev.persona.llama.ChatRequest;
import dev.persona.llama.ChatRole;
import dev.persona.llama.ChatStream;
import dev.persona.llama.LlamaException;
import dev.persona.llama.ToolCall;
import dev.persona.llama.ToolDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** The loop's logic with a scripted model (each round answered by the test) and tools that answer at once. */
class ToolLoopTest {

    private static final ToolDefinition CALCULATE = new ToolDefinition("calculate", "Evaluate", "{\"type\":\"object\"}");
    private static final ChatRequest REQUEST = ChatRequest.of(List.of(ChatMessage.user("what is 2+3*4?")))
            .withTools(List.of(CALCULATE), null);

    private final List<ChatRequest> requests = new ArrayList<>();
    private final List<ChatListener> rounds = new ArrayList<>();
    private final List<FakeStream> streams = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private final StringBuilder tokens = new StringBuilder();
    private ChatCompletion completion;
    private LlamaException error;
    private boolean failNextStart;

    private final ChatListener listener = new ChatListener() {
        @Override
        public void onToken(String text) {
            tokens.append(text);
        }

        @Override
        public void onComplete(ChatCompletion done) {
            completion = done;
        }

        @Override
        public void onError(LlamaException failed) {
            error = failed;
        }
    };

    private final ToolLoop.Observer observer = new ToolLoop.Observer() {
        @Override
        public void calling(ToolCall call) {
            events.add("calling " + call.name() + " " + call.arguments());
        }

        @Override
        public void called(ToolResult result) {
            events.add("called " + result.tool() + " " + result.outcome() + " " + result.text());
        }
    };

    private static final class FakeStream implements ChatStream {
        boolean cancelled;

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public boolean isDone() {
            return false;
        }

        @Override
        public String backend() {
            return "fake";
        }

        @Override
        public CompletionStage<ChatCompletion> completion() {
            return new CompletableFuture<>();
        }
    }

    private ToolLoop start(int maxRounds) throws LlamaException {
        return ToolLoop.start(REQUEST, maxRounds, (request, roundListener) -> {
            if (failNextStart) {
                throw new LlamaException("no backend is ready");
            }
            requests.add(request);
            rounds.add(roundListener);
            FakeStream stream = new FakeStream();
            streams.add(stream);
            return stream;
        }, call -> new ToolResult(call.id(), call.name(), call.arguments(), "ok", "14", 5), Runnable::run, observer,
                listener);
    }

    private static ChatCompletion toolCalls(String id) {
        return new ChatCompletion("", "tool_calls", null, null, "fake",
                List.of(new ToolCall(id, "calculate", "{\"expression\":\"2+3*4\"}")));
    }

    private static ChatCompletion text(String content) {
        return new ChatCompletion(content, "stop", null, null, "fake");
    }

    @Test
    void anAnswerWithoutToolCallsIsOneRound() throws Exception {
        ToolLoop loop = start(4);
        rounds.get(0).onToken("Hello");
        rounds.get(0).onComplete(text("Hello"));

        assertEquals("Hello", tokens.toString());
        assertEquals("Hello", completion.content());
        assertEquals(1, requests.size());
        assertEquals(0, loop.toolRounds());
        assertTrue(loop.isDone());
    }

    @Test
    void toolCallsRunAndTheirResultsGoBackToTheModel() throws Exception {
        ToolLoop loop = start(4);
        rounds.get(0).onComplete(toolCalls("c1"));

        assertEquals(List.of("calling calculate {\"expression\":\"2+3*4\"}", "called calculate ok 14"), events);
        assertEquals(2, requests.size());
        List<ChatMessage> sent = requests.get(1).messages();
        assertEquals(3, sent.size());
        assertEquals(ChatRole.ASSISTANT, sent.get(1).role());
        assertEquals("c1", sent.get(1).toolCalls().get(0).id());
        assertEquals(ChatMessage.tool("c1", "14"), sent.get(2));
        assertEquals(List.of(CALCULATE), requests.get(1).tools());
        assertNull(requests.get(1).toolChoice());

        rounds.get(1).onToken("It is 14.");
        rounds.get(1).onComplete(text("It is 14."));
        assertEquals("It is 14.", tokens.toString());
        assertEquals("It is 14.", completion.content());
        assertEquals(1, loop.toolRounds());
        assertEquals("It is 14.", loop.completion().toCompletableFuture().join().content());
    }

    @Test
    void afterTheLastRoundTheModelMustAnswerInWords() throws Exception {
        ToolLoop loop = start(2);
        rounds.get(0).onComplete(toolCalls("c1"));
        rounds.get(1).onComplete(toolCalls("c2"));

        assertEquals(3, requests.size());
        assertEquals("none", requests.get(2).toolChoice());
        assertEquals(5, requests.get(2).messages().size(), "the question, then a call and its result per round");

        rounds.get(2).onComplete(toolCalls("c3"));
        assertEquals(2, loop.toolRounds(), "a third round of calls is not run");
        assertEquals(4, events.size());
        assertEquals("tool_calls", completion.finishReason());
    }

    @Test
    void cancelStopsTheRoundAndNothingMoreReachesTheListener() throws Exception {
        ToolLoop loop = start(4);
        rounds.get(0).onToken("a");
        loop.cancel();
        rounds.get(0).onToken("b");
        rounds.get(0).onComplete(toolCalls("c1"));

        assertTrue(streams.get(0).cancelled);
        assertEquals("a", tokens.toString());
        assertEquals(1, requests.size(), "no tools run and no round starts after a cancel");
        assertTrue(events.isEmpty());
        assertNull(completion);
        assertNull(error);
        assertTrue(loop.completion().toCompletableFuture().isCompletedExceptionally());
    }

    @Test
    void aRoundThatCannotStartEndsTheAnswerWithAnError() throws Exception {
        start(4);
        failNextStart = true;
        rounds.get(0).onComplete(toolCalls("c1"));

        assertEquals("no backend is ready", error.getMessage());
        assertNull(completion);
    }

    @Test
    void aRequestWithoutToolsIsNeverLooped() throws Exception {
        ToolLoop loop = ToolLoop.start(ChatRequest.ofUserMessage("hi"), 4, (request, roundListener) -> {
            requests.add(request);
            rounds.add(roundListener);
            return new FakeStream();
        }, call -> {
            throw new AssertionError("no tool may run");
        }, Runnable::run, observer, listener);
        rounds.get(0).onComplete(toolCalls("c1"));
        assertEquals(1, requests.size());
        assertEquals(0, loop.toolRounds());
        assertEquals("tool_calls", completion.finishReason());
    }

    @Test
    void resultsForTheModelAreCutAndErrorsSaySo() {
        assertEquals("error (timeout): files ran longer than 5000 ms and was stopped",
                new ToolResult("c", "read_file", "{}", "timeout", "files ran longer than 5000 ms and was stopped", 1)
                        .forModel());
        String longText = "x".repeat(ToolResult.MAX_FOR_MODEL + 10);
        assertTrue(new ToolResult("c", "read_file", "{}", "ok", longText, 1).forModel()
                .endsWith("… (10 more characters left out)"));
    }
}

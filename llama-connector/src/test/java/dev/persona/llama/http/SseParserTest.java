package dev.persona.llama.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class SseParserTest {

    private final List<String> events = new ArrayList<>();
    private final SseParser parser = new SseParser((type, data) -> events.add(type + "|" + data), 1024);

    private void feed(String text) {
        feed(text.getBytes(StandardCharsets.UTF_8));
    }

    private void feed(byte[] bytes) {
        parser.feed(ByteBuffer.wrap(bytes));
    }

    @Test
    void dispatchesAnEventAtTheBlankLine() {
        feed("data: {\"a\":1}\n");
        assertEquals(List.of(), events);
        feed("\n");
        assertEquals(List.of("message|{\"a\":1}"), events);
    }

    @Test
    void readsLlamaServerStream() {
        feed("data: {\"x\":1}\n\ndata: {\"x\":2}\n\ndata: [DONE]\n\n");
        assertEquals(List.of("message|{\"x\":1}", "message|{\"x\":2}", "message|[DONE]"), events);
    }

    @Test
    void joinsMultiLineDataWithLineFeeds() {
        feed("data: first\ndata: second\ndata:third\n\n");
        assertEquals(List.of("message|first\nsecond\nthird"), events);
    }

    @Test
    void acceptsCrLfAndLoneCrLineEnds() {
        feed("data: a\r\n\r\ndata: b\r\rdata: c\n\n");
        assertEquals(List.of("message|a", "message|b", "message|c"), events);
    }

    @Test
    void crLfSplitBetweenBuffersIsOneLineEnd() {
        feed("data: a\r");
        feed("\n");
        feed("\r");
        feed("\ndata: b\n\n");
        assertEquals(List.of("message|a", "message|b"), events);
    }

    @Test
    void eventSplitAtEveryByteIsStillParsed() {
        byte[] bytes = "event: error\ndata: {\"message\":\"x\"}\n\ndata: y\n\n".getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            feed(new byte[] {b});
        }
        assertEquals(List.of("error|{\"message\":\"x\"}", "message|y"), events);
    }

    @Test
    void multiByteCharacterSplitBetweenBuffersStaysWhole() {
        byte[] bytes = "data: héllo 😀\n\n".getBytes(StandardCharsets.UTF_8);
        int split = "data: h".length() + 1;
        feed(java.util.Arrays.copyOfRange(bytes, 0, split));
        feed(java.util.Arrays.copyOfRange(bytes, split, bytes.length));
        assertEquals(List.of("message|héllo 😀"), events);
    }

    @Test
    void ignoresCommentsSuchAsKeepAlivePings() {
        feed(":\n\n: ping\ndata: x\n\n");
        assertEquals(List.of("message|x"), events);
    }

    @Test
    void keepsSpacesAfterTheFirstOne() {
        feed("data:  two spaces\n\n");
        assertEquals(List.of("message| two spaces"), events);
    }

    @Test
    void fieldWithoutColonHasAnEmptyValue() {
        feed("data\ndata\n\n");
        assertEquals(List.of("message|\n"), events);
    }

    @Test
    void eventTypeAppliesToOneEventOnly() {
        feed("event: error\ndata: a\n\ndata: b\n\n");
        assertEquals(List.of("error|a", "message|b"), events);
    }

    @Test
    void blankLinesWithoutDataDispatchNothingAndResetTheType() {
        feed("\n\nevent: error\n\ndata: a\n\n");
        assertEquals(List.of("message|a"), events);
    }

    @Test
    void ignoresIdRetryAndUnknownFields() {
        feed("id: 7\nretry: 100\nfoo: bar\ndata: a\n\n");
        assertEquals(List.of("message|a"), events);
    }

    @Test
    void skipsLeadingByteOrderMark() {
        feed(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        feed("data: a\n\n");
        assertEquals(List.of("message|a"), events);
    }

    @Test
    void unterminatedEventAtTheEndIsNotDispatched() {
        feed("data: complete\n\ndata: cut off");
        assertEquals(List.of("message|complete"), events);
    }

    @Test
    void refusesEndlessLines() {
        byte[] line = new byte[2000];
        java.util.Arrays.fill(line, (byte) 'a');
        assertThrows(IllegalStateException.class, () -> feed(line));
    }
}

package dev.persona.llama.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An incremental parser of a {@code text/event-stream} body as the HTML standard defines it: lines end with LF,
 * CR or CRLF (also when split between two buffers), {@code data} lines of one event are joined with LF, lines
 * starting with a colon are comments (llama-server's keep-alive pings), a leading byte-order mark is skipped, and
 * an event is dispatched at the blank line that ends it — an event cut off by the end of the stream is not.
 * Lines are decoded as UTF-8 only once complete, so a character split between buffers stays whole.
 * Not thread-safe: feed it from one thread at a time.
 */
public final class SseParser {

    /** Receives each complete event. */
    @FunctionalInterface
    public interface EventHandler {

        /**
         * @param type the {@code event} field, or {@code message} when the event has none
         * @param data the {@code data} lines joined with LF
         */
        void onEvent(String type, String data);
    }

    private static final String DEFAULT_TYPE = "message";
    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BYTE_ORDER_MARK = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final EventHandler handler;
    private final int maxLineBytes;
    private byte[] line = new byte[512];
    private int lineLength;
    private boolean afterCarriageReturn;
    private boolean atStreamStart = true;
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String type = DEFAULT_TYPE;

    /**
     * @param maxLineBytes longest line accepted; a longer one fails with {@link IllegalStateException}, so a broken
     *                     server cannot make the parser buffer without end
     */
    public SseParser(EventHandler handler, int maxLineBytes) {
        this.handler = handler;
        this.maxLineBytes = maxLineBytes;
    }

    /** Consumes all remaining bytes of {@code buffer}, dispatching every event they complete. */
    public void feed(ByteBuffer buffer) {
        while (buffer.hasRemaining()) {
            byte b = buffer.get();
            if (afterCarriageReturn) {
                afterCarriageReturn = false;
                if (b == LF) {
                    continue;
                }
            }
            if (b == CR) {
                afterCarriageReturn = true;
                endLine();
            } else if (b == LF) {
                endLine();
            } else {
                append(b);
            }
        }
    }

    private void append(byte b) {
        if (lineLength == line.length) {
            if (lineLength >= maxLineBytes) {
                throw new IllegalStateException("an event-stream line is longer than " + maxLineBytes + " bytes");
            }
            line = Arrays.copyOf(line, Math.min(maxLineBytes, line.length * 2));
        }
        line[lineLength++] = b;
    }

    private void endLine() {
        int length = lineLength;
        lineLength = 0;
        int start = 0;
        if (atStreamStart) {
            atStreamStart = false;
            if (length >= BYTE_ORDER_MARK.length && bytesEqual(BYTE_ORDER_MARK, 0)) {
                start = BYTE_ORDER_MARK.length;
            }
        }
        if (length == start) {
            dispatch();
            return;
        }
        if (line[start] == ':') {
            return;
        }
        int colon = start;
        while (colon < length && line[colon] != ':') {
            colon++;
        }
        int valueStart = colon == length ? length : colon + 1;
        if (valueStart < length && line[valueStart] == ' ') {
            valueStart++;
        }
        int fieldLength = colon - start;
        if (fieldMatches(DATA, start, fieldLength)) {
            if (hasData) {
                data.append('\n');
            }
            data.append(new String(line, valueStart, length - valueStart, StandardCharsets.UTF_8));
            hasData = true;
        } else if (fieldMatches(EVENT, start, fieldLength)) {
            type = new String(line, valueStart, length - valueStart, StandardCharsets.UTF_8);
        }
        // "id" and "retry" serve reconnection, which a chat answer never does; unknown fields are ignored.
    }

    private void dispatch() {
        if (hasData) {
            String eventType = type.isEmpty() ? DEFAULT_TYPE : type;
            String eventData = data.toString();
            data.setLength(0);
            hasData = false;
            type = DEFAULT_TYPE;
            handler.onEvent(eventType, eventData);
        } else {
            type = DEFAULT_TYPE;
        }
    }

    private boolean fieldMatches(byte[] name, int start, int length) {
        return length == name.length && bytesEqual(name, start);
    }

    /** Whether the line holds {@code expected} at {@code start}; the caller has checked the line is long enough. */
    private boolean bytesEqual(byte[] expected, int start) {
        return Arrays.equals(line, start, start + expected.length, expected, 0, expected.length);
    }
}

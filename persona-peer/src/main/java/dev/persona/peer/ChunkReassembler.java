package dev.persona.peer;

import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * Joins the chunk frames of one data channel back into messages (the format of {@link MessageFrames}), within
 * limits: a message of at most {@code maxMessageBytes} UTF-8 bytes in at most {@code maxMessageBytes / 1024 + 1}
 * chunks, and {@value #MAX_MESSAGES_IN_FLIGHT} messages in progress at once. Chunks may arrive in any order.
 * Confined to one thread at a time (the session's event order).
 */
final class ChunkReassembler {

    static final int MAX_MESSAGES_IN_FLIGHT = 4;

    /** Ids of refused messages whose remaining chunks are dropped without a word. */
    private static final int REMEMBERED_REFUSALS = 16;

    private static final JsonReaderFactory JSON = Json.createReaderFactory(Map.of());

    private final int maxMessageBytes;
    private final int maxChunks;
    private final Map<Long, PartialMessage> inFlight = new HashMap<>();
    private final Deque<Long> refused = new ArrayDeque<>();

    ChunkReassembler(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
        this.maxChunks = maxMessageBytes / 1024 + 1;
    }

    /**
     * Takes one chunk frame.
     *
     * @return the whole message once its last chunk is in; empty while chunks are missing, and for the further
     *         chunks of a message already refused
     * @throws InvalidChunkException when the frame is malformed or the message breaks a limit; the message is dropped
     */
    Optional<String> add(String frame) throws InvalidChunkException {
        JsonObject chunk = parse(frame);
        long id = integer(chunk, "id", 0, 1L << 53);
        if (refused.contains(id)) {
            return Optional.empty();
        }
        try {
            return add(id, chunk);
        } catch (InvalidChunkException refusal) {
            inFlight.remove(id);
            refused.addLast(id);
            if (refused.size() > REMEMBERED_REFUSALS) {
                refused.removeFirst();
            }
            throw refusal;
        }
    }

    private Optional<String> add(long id, JsonObject chunk) throws InvalidChunkException {
        int count = (int) integer(chunk, "count", 1, Integer.MAX_VALUE);
        int index = (int) integer(chunk, "index", 0, Integer.MAX_VALUE);
        if (!(chunk.get("data") instanceof JsonString data)) {
            throw new InvalidChunkException("Chunk " + index + " of message " + id + " has no \"data\" string.");
        }
        if (count > maxChunks) {
            throw new InvalidChunkException("Message " + id + " comes in " + count + " chunks; at most " + maxChunks
                    + " are accepted (a message may have " + maxMessageBytes + " bytes, in chunks of 1 KiB or more).", true);
        }
        if (index >= count) {
            throw new InvalidChunkException("Chunk index " + index + " of message " + id + " is not below its count "
                    + count + ".");
        }
        PartialMessage message = inFlight.get(id);
        if (message == null) {
            if (inFlight.size() >= MAX_MESSAGES_IN_FLIGHT) {
                throw new InvalidChunkException("Message " + id + " starts while " + MAX_MESSAGES_IN_FLIGHT
                        + " chunked messages are still incomplete; send one chunked message at a time.");
            }
            message = new PartialMessage(count);
            inFlight.put(id, message);
        }
        message.put(id, index, count, data.getString(), maxMessageBytes);
        if (!message.complete()) {
            return Optional.empty();
        }
        inFlight.remove(id);
        return Optional.of(message.join());
    }

    private static JsonObject parse(String frame) throws InvalidChunkException {
        try (var reader = JSON.createReader(new StringReader(frame))) {
            return reader.readObject();
        } catch (JsonException | IllegalStateException malformed) {
            throw new InvalidChunkException("A chunk frame is not a JSON object: " + malformed.getMessage());
        }
    }

    private static long integer(JsonObject chunk, String name, long min, long max) throws InvalidChunkException {
        JsonValue value = chunk.get(name);
        if (value instanceof JsonNumber number) {
            BigDecimal decimal = number.bigDecimalValue();
            if (decimal.compareTo(BigDecimal.valueOf(min)) >= 0 && decimal.compareTo(BigDecimal.valueOf(max)) <= 0
                    && decimal.stripTrailingZeros().scale() <= 0) {
                return decimal.longValueExact();
            }
        }
        throw new InvalidChunkException("A chunk frame's \"" + name + "\" must be an integer from " + min + " to "
                + max + ", not " + value + ".");
    }

    private static final class PartialMessage {

        private final String[] pieces;
        private int received;
        private long bytes;

        PartialMessage(int count) {
            this.pieces = new String[count];
        }

        void put(long id, int index, int count, String data, int maxMessageBytes) throws InvalidChunkException {
            if (count != pieces.length) {
                throw new InvalidChunkException("Chunk " + index + " of message " + id + " says " + count
                        + " chunks where an earlier one said " + pieces.length + ".");
            }
            if (pieces[index] != null) {
                throw new InvalidChunkException("Chunk " + index + " of message " + id + " arrived twice.");
            }
            bytes += data.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > maxMessageBytes) {
                throw new InvalidChunkException("Message " + id + " is larger than the " + maxMessageBytes
                        + " bytes the host accepts.", true);
            }
            pieces[index] = data;
            received++;
        }

        boolean complete() {
            return received == pieces.length;
        }

        String join() {
            return String.join("", pieces);
        }
    }
}

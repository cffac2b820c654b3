package dev.persona.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;

class ChunkedMessagesTest {

    private static final int FOUR_MIB = 4 * 1024 * 1024;

    @Test
    void aMessageThatFitsTravelsAsItIs() {
        List<byte[]> frames = MessageFrames.split("{\"type\":\"chat\",\"text\":\"hé\"}", 0);

        assertEquals(1, frames.size());
        assertEquals("{\"type\":\"chat\",\"text\":\"hé\"}", new String(frames.get(0), StandardCharsets.UTF_8));
    }

    @Test
    void aMessageThatLooksLikeAChunkIsAlwaysChunked() throws Exception {
        String message = "{\"type\":\"chunk\",\"id\":1}";

        List<byte[]> frames = MessageFrames.split(message, 3);

        assertEquals(1, frames.size());
        assertEquals("{\"type\":\"chunk\",\"id\":3,\"index\":0,\"count\":1,\"data\":\"{\\\"type\\\":\\\"chunk\\\","
                + "\\\"id\\\":1}\"}", new String(frames.get(0), StandardCharsets.UTF_8));
        assertEquals(Optional.of(message), new ChunkReassembler(FOUR_MIB).add(text(frames.get(0))));
    }

    @Test
    void aLargeMessageOfEveryKindOfCharacterComesBackWholeFromFramesThatFit() throws Exception {
        String message = awkwardText(1_000_000);

        List<byte[]> frames = MessageFrames.split(message, 42);

        assertTrue(frames.size() > 60, "1 MB needs many frames, got " + frames.size());
        for (byte[] frame : frames) {
            assertTrue(frame.length <= MessageFrames.MAX_FRAME_BYTES, "frame of " + frame.length + " bytes");
            assertTrue(MessageFrames.isChunk(text(frame)));
        }
        assertEquals(message, reassemble(frames, new ChunkReassembler(FOUR_MIB)));
    }

    @Test
    void chunksMayArriveInAnyOrder() throws Exception {
        String message = awkwardText(100_000);
        List<byte[]> frames = new ArrayList<>(MessageFrames.split(message, 7));
        Collections.shuffle(frames, new Random(1));

        assertEquals(message, reassemble(frames, new ChunkReassembler(FOUR_MIB)));
    }

    @Test
    void aMessageAboveTheLimitIsRefusedAndItsLaterChunksAreDroppedQuietly() throws Exception {
        ChunkReassembler reassembler = new ChunkReassembler(64 * 1024);
        List<byte[]> frames = MessageFrames.split("x".repeat(200_000), 1);

        InvalidChunkException refused = null;
        int index = 0;
        for (; index < frames.size() && refused == null; index++) {
            try {
                assertEquals(Optional.empty(), reassembler.add(text(frames.get(index))));
            } catch (InvalidChunkException e) {
                refused = e;
            }
        }

        assertTrue(refused != null && refused.getMessage().contains("larger than the 65536 bytes"),
                String.valueOf(refused));
        assertEquals(Optional.empty(), reassembler.add(text(frames.get(index))), "later chunks are dropped");
    }

    @Test
    void malformedChunksAreRefusedWithAReason() {
        ChunkReassembler reassembler = new ChunkReassembler(FOUR_MIB);

        assertRefused(reassembler, "{\"type\":\"chunk\",", "not a JSON object");
        assertRefused(reassembler, "{\"type\":\"chunk\",\"id\":-1,\"index\":0,\"count\":1,\"data\":\"\"}",
                "\"id\" must be an integer");
        assertRefused(reassembler, "{\"type\":\"chunk\",\"id\":1.5,\"index\":0,\"count\":1,\"data\":\"\"}",
                "\"id\" must be an integer");
        assertRefused(reassembler, "{\"type\":\"chunk\",\"id\":2,\"index\":2,\"count\":2,\"data\":\"\"}",
                "is not below its count");
        assertRefused(reassembler, "{\"type\":\"chunk\",\"id\":3,\"index\":0,\"count\":2}", "no \"data\" string");
        assertRefused(reassembler, "{\"type\":\"chunk\",\"id\":4,\"index\":0,\"count\":999999,\"data\":\"\"}",
                "at most 4097 are accepted");
    }

    @Test
    void duplicateChunksAndChangingCountsAreRefused() throws Exception {
        ChunkReassembler reassembler = new ChunkReassembler(FOUR_MIB);
        assertEquals(Optional.empty(), reassembler.add(chunk(5, 0, 3, "a")));
        assertRefused(reassembler, chunk(5, 0, 3, "a"), "arrived twice");

        assertEquals(Optional.empty(), reassembler.add(chunk(6, 0, 3, "a")));
        assertRefused(reassembler, chunk(6, 1, 4, "b"), "says 4 chunks where an earlier one said 3");
    }

    @Test
    void onlyAFewChunkedMessagesMayBeIncompleteAtOnce() throws Exception {
        ChunkReassembler reassembler = new ChunkReassembler(FOUR_MIB);
        for (int id = 0; id < ChunkReassembler.MAX_MESSAGES_IN_FLIGHT; id++) {
            assertEquals(Optional.empty(), reassembler.add(chunk(id, 0, 2, "a")));
        }

        assertRefused(reassembler, chunk(99, 0, 2, "a"), "still incomplete");
        assertEquals(Optional.of("ab"), reassembler.add(chunk(0, 1, 2, "b")), "the others go on");
    }

    private static void assertRefused(ChunkReassembler reassembler, String frame, String reason) {
        InvalidChunkException refused = assertThrows(InvalidChunkException.class, () -> reassembler.add(frame));
        assertTrue(refused.getMessage().contains(reason), refused.getMessage());
    }

    private static String chunk(long id, int index, int count, String data) {
        return "{\"type\":\"chunk\",\"id\":" + id + ",\"index\":" + index + ",\"count\":" + count + ",\"data\":\""
                + data + "\"}";
    }

    private static String reassemble(List<byte[]> frames, ChunkReassembler reassembler) throws Exception {
        Optional<String> message = Optional.empty();
        for (byte[] frame : frames) {
            assertTrue(message.isEmpty(), "complete before the last frame");
            message = reassembler.add(text(frame));
        }
        return message.orElseThrow();
    }

    private static String text(byte[] frame) {
        return new String(frame, StandardCharsets.UTF_8);
    }

    /** ASCII, quotes, backslashes, control characters, accents, CJK, emoji (surrogate pairs), a lone surrogate. */
    static String awkwardText(int length) {
        String[] parts = {"plain ascii ", "\"quoted\" ", "back\\slash ", "line\nbreak\ttab\u0001 ", "é à ü ",
                "漢字かな ", "😀🚀 ", "\ud800", "{\"type\":\"chunk\"} "};
        StringBuilder text = new StringBuilder(length + 32);
        Random random = new Random(length);
        while (text.length() < length) {
            text.append(parts[random.nextInt(parts.length)]);
        }
        return text.toString();
    }
}

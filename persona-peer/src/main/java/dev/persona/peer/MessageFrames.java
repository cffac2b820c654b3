package dev.persona.peer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a text message into data channel frames of at most {@value #MAX_FRAME_BYTES} UTF-8 bytes. A message that fits
 * travels as it is; a longer one becomes chunk frames
 * {@code {"type":"chunk","id":7,"index":0,"count":65,"data":"…"}} whose {@code data} strings, joined in index order,
 * give the message back. The format, shared with the phone client, is specified in {@code docs/host-peer.md}.
 */
final class MessageFrames {

    /**
     * Largest frame either side sends: safe in every browser, and below the 16 300 bytes above which peerjs's
     * {@code "json"} serialization refuses to send.
     */
    static final int MAX_FRAME_BYTES = 16_000;

    /** How every chunk frame starts; a receiver tells chunks from whole messages by it. */
    static final String CHUNK_PREFIX = "{\"type\":\"chunk\",";

    /** Room for {@code {"type":"chunk","id":…,"index":…,"count":…,"data":""}} with the largest numbers. */
    private static final int MAX_HEADER_BYTES = 96;
    private static final int MAX_DATA_BYTES = MAX_FRAME_BYTES - MAX_HEADER_BYTES;
    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

    private MessageFrames() {
    }

    /** Whether a received frame is a chunk frame rather than a whole message. */
    static boolean isChunk(String frame) {
        return frame.startsWith(CHUNK_PREFIX);
    }

    /**
     * The frames that carry {@code message}, as UTF-8. A message that starts like a chunk frame is always chunked,
     * so that the receiver cannot mistake it for one.
     *
     * @param id the chunk id, unique among this sender's messages on the channel
     */
    static List<byte[]> split(String message, long id) {
        byte[] whole = message.getBytes(StandardCharsets.UTF_8);
        if (whole.length <= MAX_FRAME_BYTES && !isChunk(message)) {
            return List.of(whole);
        }
        List<String> pieces = pieces(message);
        List<byte[]> frames = new ArrayList<>(pieces.size());
        for (int index = 0; index < pieces.size(); index++) {
            frames.add(chunkFrame(id, index, pieces.size(), pieces.get(index)).getBytes(StandardCharsets.UTF_8));
        }
        return frames;
    }

    /** Splits between code points so that each piece, escaped as a JSON string, fits a frame. */
    private static List<String> pieces(String message) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        int bytes = 0;
        int at = 0;
        while (at < message.length()) {
            int units = surrogatePairAt(message, at) ? 2 : 1;
            int cost = units == 2 ? 4 : escapedUtf8Length(message.charAt(at));
            if (bytes + cost > MAX_DATA_BYTES) {
                pieces.add(message.substring(start, at));
                start = at;
                bytes = 0;
            }
            bytes += cost;
            at += units;
        }
        pieces.add(message.substring(start));
        return pieces;
    }

    private static String chunkFrame(long id, int index, int count, String piece) {
        StringBuilder frame = new StringBuilder(MAX_HEADER_BYTES + piece.length() + 16)
                .append(CHUNK_PREFIX)
                .append("\"id\":").append(id)
                .append(",\"index\":").append(index)
                .append(",\"count\":").append(count)
                .append(",\"data\":\"");
        for (int at = 0; at < piece.length(); at++) {
            char unit = piece.charAt(at);
            if (surrogatePairAt(piece, at)) {
                frame.append(unit).append(piece.charAt(++at));
            } else {
                appendEscaped(frame, unit);
            }
        }
        return frame.append("\"}").toString();
    }

    private static boolean surrogatePairAt(String text, int at) {
        return Character.isHighSurrogate(text.charAt(at)) && at + 1 < text.length()
                && Character.isLowSurrogate(text.charAt(at + 1));
    }

    /** UTF-8 bytes of a UTF-16 unit (not part of a surrogate pair) inside a JSON string, as written here. */
    private static int escapedUtf8Length(char unit) {
        if (unit == '"' || unit == '\\') {
            return 2;
        }
        if (unit < 0x20) {
            return shortEscape(unit) != 0 ? 2 : 6;
        }
        if (unit < 0x80) {
            return 1;
        }
        if (unit < 0x800) {
            return 2;
        }
        return Character.isSurrogate(unit) ? 6 : 3;
    }

    private static void appendEscaped(StringBuilder out, char unit) {
        if (unit == '"' || unit == '\\') {
            out.append('\\').append(unit);
        } else if (unit < 0x20) {
            char shortEscape = shortEscape(unit);
            if (shortEscape != 0) {
                out.append('\\').append(shortEscape);
            } else {
                appendUnicodeEscape(out, unit);
            }
        } else if (Character.isSurrogate(unit)) {
            // A lone surrogate has no UTF-8 form; JSON keeps it as an escape.
            appendUnicodeEscape(out, unit);
        } else {
            out.append(unit);
        }
    }

    private static char shortEscape(char control) {
        return switch (control) {
            case '\b' -> 'b';
            case '\f' -> 'f';
            case '\n' -> 'n';
            case '\r' -> 'r';
            case '\t' -> 't';
            default -> 0;
        };
    }

    private static void appendUnicodeEscape(StringBuilder out, int codeUnit) {
        out.append("\\u");
        for (int shift = 12; shift >= 0; shift -= 4) {
            out.append(HEX_DIGITS[(codeUnit >> shift) & 0xf]);
        }
    }
}

package dev.persona.signaling.peerjs;

import java.io.StringReader;
import java.util.NoSuchElementException;

import dev.persona.signaling.registry.MessageType;
import dev.persona.signaling.registry.SignalingMessage;
import jakarta.json.JsonException;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParser.Event;

/**
 * Reads client frames and writes server frames: PeerJS's JSON text messages, on the relay path of every message.
 * A frame is read with JSON-P's streaming parser, which checks all of it but keeps only what the server needs:
 * {@code type} and {@code dst} as strings and the payload as the span of text it occupies. A relayed frame is written
 * by joining that text with the type and ids. Neither builds a JSON tree: trees of every frame were a quarter of the
 * server's CPU and most of its garbage per message (bench/README.md).
 */
final class PeerJsJson {

    /** One lookup for the process: {@code Json.create*} would look the provider up on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    /** A client frame: its type as written, and the destination and payload (JSON text) when it has them. */
    record ClientMessage(String type, String dst, String payloadJson) {
    }

    /** A client frame that is not a JSON object with a string {@code type}. */
    static final class MalformedMessageException extends Exception {
        MalformedMessageException(String message) {
            super(message, null, false, false);
        }
    }

    private PeerJsJson() {
    }

    static ClientMessage read(String text) throws MalformedMessageException {
        String problem = null;
        String type = null;
        String dst = null;
        String payload = null;
        try (JsonParser parser = JSON.createParser(new StringReader(text))) {
            Event first = parser.next();
            if (first != Event.START_OBJECT) {
                skipValue(parser, first);
                problem = "Malformed message: expected a JSON object.";
            } else {
                boolean typeIsString = false;
                boolean dstIsBad = false;
                Event event;
                while ((event = parser.next()) == Event.KEY_NAME) {
                    String key = parser.getString();
                    long afterKey = parser.getLocation().getStreamOffset();
                    Event value = parser.next();
                    switch (key) {
                        case "type" -> {
                            typeIsString = value == Event.VALUE_STRING;
                            type = typeIsString ? parser.getString() : null;
                            skipValue(parser, value);
                        }
                        case "dst" -> {
                            dstIsBad = value != Event.VALUE_STRING && value != Event.VALUE_NULL;
                            dst = value == Event.VALUE_STRING ? parser.getString() : null;
                            skipValue(parser, value);
                        }
                        case "payload" -> {
                            skipValue(parser, value);
                            payload = valueText(text, afterKey, parser.getLocation().getStreamOffset());
                        }
                        default -> skipValue(parser, value);
                    }
                }
                if (event != Event.END_OBJECT) {
                    throw new JsonException("unexpected " + event);
                }
                if (!typeIsString) {
                    problem = "Malformed message: expected a string \"type\".";
                } else if (dstIsBad) {
                    problem = "Malformed message: \"dst\" must be a peer id string.";
                }
            }
            if (parser.hasNext()) {
                throw new JsonException("text after the JSON value");
            }
        } catch (JsonException | IllegalStateException | NoSuchElementException notJson) {
            throw new MalformedMessageException("Malformed message: not JSON text.");
        }
        if (problem != null) {
            throw new MalformedMessageException(problem);
        }
        return new ClientMessage(type, dst, payload);
    }

    /** Moves the parser past the value that started with {@code first}, checking all of it. */
    private static void skipValue(JsonParser parser, Event first) {
        if (first != Event.START_OBJECT && first != Event.START_ARRAY) {
            return;
        }
        int depth = 1;
        while (depth > 0) {
            Event event = parser.next();
            if (event == Event.START_OBJECT || event == Event.START_ARRAY) {
                depth++;
            } else if (event == Event.END_OBJECT || event == Event.END_ARRAY) {
                depth--;
            }
        }
    }

    /** The text of a member's value: between the end of its key and the end of the value, minus ':' and blanks. */
    private static String valueText(String text, long afterKey, long afterValue) {
        int start = (int) afterKey;
        while (start < afterValue && (text.charAt(start) == ':' || isJsonWhitespace(text.charAt(start)))) {
            start++;
        }
        return text.substring(start, (int) afterValue);
    }

    private static boolean isJsonWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    /**
     * A server frame: {@code {"type":…,"src":…,"dst":…,"payload":…}} with the members the message has, the
     * payload as its JSON text.
     */
    static String write(SignalingMessage message) {
        String payload = message.payloadJson();
        StringBuilder json = new StringBuilder(64 + (payload == null ? 0 : payload.length()));
        json.append("{\"type\":\"").append(message.type().wireName()).append('"');
        if (message.src() != null) {
            appendString(json.append(",\"src\":"), message.src());
        }
        if (message.dst() != null) {
            appendString(json.append(",\"dst\":"), message.dst());
        }
        if (payload != null) {
            json.append(",\"payload\":").append(payload);
        }
        return json.append('}').toString();
    }

    /**
     * Appends {@code value} as a JSON string. Hand-written because JSON-P offers escaping only through a generator
     * per frame, which is what this class avoids; ids of connected peers need no escaping, but a {@code dst} a client
     * made up can come back in EXPIRE or LEAVE.
     */
    private static void appendString(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        json.append('"');
    }

    /** A server message with a {@code {"msg": ...}} payload: ERROR or ID-TAKEN. */
    static SignalingMessage withText(MessageType type, String msg) {
        return SignalingMessage.fromServer(type, JSON.createObjectBuilder().add("msg", msg).build());
    }

    /** A JSON array of strings, as text. */
    static String stringArray(Iterable<String> strings) {
        var array = JSON.createArrayBuilder();
        strings.forEach(array::add);
        return array.build().toString();
    }
}

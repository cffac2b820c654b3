package dev.persona.signaling.peerjs;

import java.io.StringReader;

import dev.persona.signaling.registry.MessageType;
import dev.persona.signaling.registry.SignalingMessage;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

/** Reads client frames and writes server frames: PeerJS's JSON text messages. */
final class PeerJsJson {

    /** One lookup for the process: {@code Json.create*} would look the provider up on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    /** A client frame: its type as written, and the destination and payload when it has them. */
    record ClientMessage(String type, String dst, JsonValue payload) {
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
        JsonValue value;
        try (JsonReader reader = JSON.createReader(new StringReader(text))) {
            value = reader.readValue();
        } catch (JsonException | IllegalStateException notJson) {
            throw new MalformedMessageException("Malformed message: not JSON text.");
        }
        if (!(value instanceof JsonObject object)) {
            throw new MalformedMessageException("Malformed message: expected a JSON object.");
        }
        if (!(object.get("type") instanceof JsonString type)) {
            throw new MalformedMessageException("Malformed message: expected a string \"type\".");
        }
        JsonValue dst = object.get("dst");
        if (dst != null && dst != JsonValue.NULL && !(dst instanceof JsonString)) {
            throw new MalformedMessageException("Malformed message: \"dst\" must be a peer id string.");
        }
        return new ClientMessage(type.getString(), dst instanceof JsonString id ? id.getString() : null,
                object.get("payload"));
    }

    static String write(SignalingMessage message) {
        JsonObjectBuilder json = JSON.createObjectBuilder().add("type", message.type().wireName());
        if (message.src() != null) {
            json.add("src", message.src());
        }
        if (message.dst() != null) {
            json.add("dst", message.dst());
        }
        if (message.payload() != null) {
            json.add("payload", message.payload());
        }
        return json.build().toString();
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

package dev.persona.host.chat;

import java.io.StringReader;
import java.util.UUID;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/** Reading and writing the protocol's JSON messages (docs/protocol.md), with errors that name the field. */
final class ChatMessages {

    private ChatMessages() {
    }

    static JsonObject parse(String text) {
        try {
            JsonValue value = Json.createReader(new StringReader(text)).readValue();
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                throw new ProtocolException("malformed", "A message must be a JSON object.");
            }
            JsonObject message = value.asJsonObject();
            requiredString(message, "type");
            return message;
        } catch (JsonException | IllegalStateException e) {
            throw new ProtocolException("malformed", "A message must be JSON: " + e.getMessage());
        }
    }

    static String requiredString(JsonObject message, String field) {
        JsonValue value = message.get(field);
        if (!(value instanceof JsonString string)) {
            throw new ProtocolException("malformed", "'" + field + "' must be a string.");
        }
        return string.getString();
    }

    static String optionalString(JsonObject message, String field) {
        JsonValue value = message.get(field);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonString string)) {
            throw new ProtocolException("malformed", "'" + field + "' must be a string or null.");
        }
        return string.getString();
    }

    static int requiredInt(JsonObject message, String field) {
        JsonValue value = message.get(field);
        if (!(value instanceof JsonNumber number) || !number.isIntegral()) {
            throw new ProtocolException("malformed", "'" + field + "' must be an integer.");
        }
        return number.intValue();
    }

    static UUID optionalUuid(JsonObject message, String field) {
        String text = optionalString(message, field);
        if (text == null) {
            return null;
        }
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("malformed", "'" + field + "' must be a conversation id (a UUID).");
        }
    }

    static String turnId(JsonObject message) {
        String id = requiredString(message, "id");
        if (id.isEmpty() || id.length() > 64) {
            throw new ProtocolException("malformed", "'id' must have 1 to 64 characters.");
        }
        return id;
    }

    static JsonObjectBuilder message(String type) {
        return Json.createObjectBuilder().add("type", type);
    }

    static String error(String id, String code, String text) {
        JsonObjectBuilder error = message("error");
        if (id != null) {
            error.add("id", id);
        }
        return error.add("code", code).add("message", text).build().toString();
    }
}

package dev.persona.llama.http;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.util.Map;

/**
 * The JSON-P provider, looked up once: {@code Json.createReader} would search the service loader on every call,
 * which is too slow for one parse per token. Plus lenient accessors for fields that servers fill differently.
 */
final class Json {

    static final JsonProvider PROVIDER = JsonProvider.provider();
    private static final JsonReaderFactory READERS = PROVIDER.createReaderFactory(Map.of());

    private Json() {
    }

    /** Parses {@code text}, which must hold one JSON value. */
    static JsonValue parse(String text) {
        try (JsonReader reader = READERS.createReader(new StringReader(text))) {
            return reader.readValue();
        }
    }

    /** The string at {@code key}, or {@code null} if absent, {@code null} or not a string. */
    static String string(JsonObject object, String key) {
        JsonValue value = object.get(key);
        return value instanceof JsonString string ? string.getString() : null;
    }

    /** The integer at {@code key}, or {@code fallback} if absent or not a number. */
    static int integer(JsonObject object, String key, int fallback) {
        JsonValue value = object.get(key);
        return value instanceof JsonNumber number ? number.intValue() : fallback;
    }

    /** The number at {@code key}, or 0 if absent or not a number. */
    static double number(JsonObject object, String key) {
        JsonValue value = object.get(key);
        return value instanceof JsonNumber number ? number.doubleValue() : 0;
    }

    /** The object at {@code key}, or {@code null} if absent or not an object. */
    static JsonObject object(JsonObject object, String key) {
        JsonValue value = object.get(key);
        return value instanceof JsonObject child ? child : null;
    }

    /** The boolean at {@code key}, or {@code false} if absent or not a boolean. */
    static boolean bool(JsonObject object, String key) {
        return object.get(key) == JsonValue.TRUE;
    }
}

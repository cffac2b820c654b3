package dev.persona.models.gguf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** The key/value metadata of a GGUF file, in file order. */
public final class GgufMetadata {

    private final Map<String, GgufValue> entries;

    /** Copies {@code entries}, keeping their iteration order. */
    public GgufMetadata(Map<String, GgufValue> entries) {
        this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /** All entries in file order; unmodifiable. */
    public Map<String, GgufValue> asMap() {
        return entries;
    }

    public int size() {
        return entries.size();
    }

    public Optional<GgufValue> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /** The value of {@code key} if it is a string. */
    public Optional<String> getString(String key) {
        GgufValue value = entries.get(key);
        return value != null && value.type() == GgufValueType.STRING ? Optional.of(value.asString()) : Optional.empty();
    }

    /** The value of {@code key} if it has an integer type. */
    public OptionalLong getLong(String key) {
        GgufValue value = entries.get(key);
        return value != null && value.isInteger() ? OptionalLong.of(value.asLong()) : OptionalLong.empty();
    }

    /** The value of {@code key} if it is an array. */
    public Optional<GgufArray> getArray(String key) {
        GgufValue value = entries.get(key);
        return value != null && value.type() == GgufValueType.ARRAY ? Optional.of(value.asArray()) : Optional.empty();
    }
}

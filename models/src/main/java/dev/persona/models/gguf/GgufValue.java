package dev.persona.models.gguf;

import java.util.Objects;

/** One GGUF metadata value together with its stored type, so that a copied value is written back unchanged. */
public final class GgufValue {

    private final GgufValueType type;
    private final Object value;

    private GgufValue(GgufValueType type, Object value) {
        this.type = type;
        this.value = value;
    }

    /** A value of an integer type; it must fit the type (UINT64 takes any bit pattern). */
    public static GgufValue ofInteger(GgufValueType type, long value) {
        if (!type.isInteger()) {
            throw new IllegalArgumentException(type + " is not an integer type");
        }
        checkRange(type, value);
        return new GgufValue(type, value);
    }

    public static GgufValue uint8(int value) {
        return ofInteger(GgufValueType.UINT8, value);
    }

    public static GgufValue int8(int value) {
        return ofInteger(GgufValueType.INT8, value);
    }

    public static GgufValue uint16(int value) {
        return ofInteger(GgufValueType.UINT16, value);
    }

    public static GgufValue int16(int value) {
        return ofInteger(GgufValueType.INT16, value);
    }

    public static GgufValue uint32(long value) {
        return ofInteger(GgufValueType.UINT32, value);
    }

    public static GgufValue int32(int value) {
        return ofInteger(GgufValueType.INT32, value);
    }

    public static GgufValue uint64(long value) {
        return ofInteger(GgufValueType.UINT64, value);
    }

    public static GgufValue int64(long value) {
        return ofInteger(GgufValueType.INT64, value);
    }

    public static GgufValue float32(float value) {
        return new GgufValue(GgufValueType.FLOAT32, value);
    }

    public static GgufValue float64(double value) {
        return new GgufValue(GgufValueType.FLOAT64, value);
    }

    public static GgufValue bool(boolean value) {
        return new GgufValue(GgufValueType.BOOL, value);
    }

    public static GgufValue string(String value) {
        return new GgufValue(GgufValueType.STRING, Objects.requireNonNull(value, "value"));
    }

    public static GgufValue array(GgufArray value) {
        return new GgufValue(GgufValueType.ARRAY, Objects.requireNonNull(value, "value"));
    }

    static void checkRange(GgufValueType type, long value) {
        boolean fits = switch (type) {
            case UINT8, BOOL -> value >= 0 && value <= 0xFF;
            case INT8 -> value >= Byte.MIN_VALUE && value <= Byte.MAX_VALUE;
            case UINT16 -> value >= 0 && value <= 0xFFFF;
            case INT16 -> value >= Short.MIN_VALUE && value <= Short.MAX_VALUE;
            case UINT32 -> value >= 0 && value <= 0xFFFF_FFFFL;
            case INT32 -> value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE;
            default -> true;
        };
        if (!fits) {
            throw new IllegalArgumentException(value + " does not fit " + type);
        }
    }

    public GgufValueType type() {
        return type;
    }

    public boolean isInteger() {
        return type.isInteger();
    }

    /** The value of an integer type; UINT64 values above {@link Long#MAX_VALUE} wrap. */
    public long asLong() {
        if (!type.isInteger()) {
            throw new IllegalStateException("value is " + type + ", not an integer");
        }
        return (Long) value;
    }

    /** The value of a float or integer type. */
    public double asDouble() {
        return switch (type) {
            case FLOAT32 -> (Float) value;
            case FLOAT64 -> (Double) value;
            default -> asLong();
        };
    }

    public boolean asBoolean() {
        if (type != GgufValueType.BOOL) {
            throw new IllegalStateException("value is " + type + ", not BOOL");
        }
        return (Boolean) value;
    }

    public String asString() {
        if (type != GgufValueType.STRING) {
            throw new IllegalStateException("value is " + type + ", not STRING");
        }
        return (String) value;
    }

    public GgufArray asArray() {
        if (type != GgufValueType.ARRAY) {
            throw new IllegalStateException("value is " + type + ", not ARRAY");
        }
        return (GgufArray) value;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof GgufValue that && type == that.type && value.equals(that.value);
    }

    @Override
    public int hashCode() {
        return 31 * type.hashCode() + value.hashCode();
    }

    @Override
    public String toString() {
        if (type == GgufValueType.STRING) {
            String text = (String) value;
            return "STRING \"" + (text.length() > 60 ? text.substring(0, 60) + "…" : text) + "\"";
        }
        return type == GgufValueType.ARRAY ? "ARRAY " + value : type + " " + value;
    }
}

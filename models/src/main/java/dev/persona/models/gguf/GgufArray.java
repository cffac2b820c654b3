package dev.persona.models.gguf;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A typed GGUF array value. Elements are kept in their encoded little-endian form (strings as UTF-8 bytes back to
 * back), so a vocabulary of a few hundred thousand tokens costs about its size on disk and is copied byte for byte
 * by {@link GgufWriter}. Nested arrays do not exist in GGUF.
 */
public final class GgufArray {

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final GgufValueType elementType;
    private final int size;
    private final byte[] data;
    private final int[] stringEnds;

    /** Takes ownership of {@code data}; {@code stringEnds} holds each string's end in {@code data}, strings only. */
    GgufArray(GgufValueType elementType, int size, byte[] data, int[] stringEnds) {
        this.elementType = elementType;
        this.size = size;
        this.data = data;
        this.stringEnds = stringEnds;
    }

    /** An array of an integer type or {@link GgufValueType#BOOL} (0 or 1); values must fit the type. */
    public static GgufArray of(GgufValueType elementType, long... values) {
        if (!elementType.isInteger() && elementType != GgufValueType.BOOL) {
            throw new IllegalArgumentException(elementType + " is not an integer or bool type");
        }
        int width = elementType.fixedSize();
        byte[] data = new byte[Math.multiplyExact(values.length, width)];
        for (int i = 0; i < values.length; i++) {
            long value = values[i];
            if (elementType == GgufValueType.BOOL && value != 0 && value != 1) {
                throw new IllegalArgumentException("bool array element " + i + " is " + value + ", not 0 or 1");
            }
            GgufValue.checkRange(elementType, value);
            switch (width) {
                case 1 -> data[i] = (byte) value;
                case 2 -> SHORT.set(data, i * 2, (short) value);
                case 4 -> INT.set(data, i * 4, (int) value);
                default -> LONG.set(data, i * 8, value);
            }
        }
        return new GgufArray(elementType, values.length, data, null);
    }

    /** An array of {@link GgufValueType#FLOAT32}. */
    public static GgufArray ofFloat32(float... values) {
        byte[] data = new byte[Math.multiplyExact(values.length, 4)];
        for (int i = 0; i < values.length; i++) {
            INT.set(data, i * 4, Float.floatToRawIntBits(values[i]));
        }
        return new GgufArray(GgufValueType.FLOAT32, values.length, data, null);
    }

    /** An array of {@link GgufValueType#FLOAT64}. */
    public static GgufArray ofFloat64(double... values) {
        byte[] data = new byte[Math.multiplyExact(values.length, 8)];
        for (int i = 0; i < values.length; i++) {
            LONG.set(data, i * 8, Double.doubleToRawLongBits(values[i]));
        }
        return new GgufArray(GgufValueType.FLOAT64, values.length, data, null);
    }

    /** An array of {@link GgufValueType#STRING}, stored as UTF-8. */
    public static GgufArray ofStrings(List<String> values) {
        byte[][] encoded = new byte[values.size()][];
        long total = 0;
        for (int i = 0; i < encoded.length; i++) {
            encoded[i] = values.get(i).getBytes(StandardCharsets.UTF_8);
            total += encoded[i].length;
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("strings take " + total + " bytes, more than an array can hold");
        }
        byte[] data = new byte[(int) total];
        int[] ends = new int[encoded.length];
        int end = 0;
        for (int i = 0; i < encoded.length; i++) {
            System.arraycopy(encoded[i], 0, data, end, encoded[i].length);
            end += encoded[i].length;
            ends[i] = end;
        }
        return new GgufArray(GgufValueType.STRING, encoded.length, data, ends);
    }

    public GgufValueType elementType() {
        return elementType;
    }

    public int size() {
        return size;
    }

    /** Element {@code index} of an integer or bool array; UINT64 values above {@link Long#MAX_VALUE} wrap. */
    public long getLong(int index) {
        Objects.checkIndex(index, size);
        return switch (elementType) {
            case UINT8 -> Byte.toUnsignedLong(data[index]);
            case INT8 -> data[index];
            case BOOL -> data[index] != 0 ? 1 : 0;
            case UINT16 -> Short.toUnsignedLong((short) SHORT.get(data, index * 2));
            case INT16 -> (short) SHORT.get(data, index * 2);
            case UINT32 -> Integer.toUnsignedLong((int) INT.get(data, index * 4));
            case INT32 -> (int) INT.get(data, index * 4);
            case UINT64, INT64 -> (long) LONG.get(data, index * 8);
            default -> throw new IllegalStateException(elementType + " array has no integer elements");
        };
    }

    /** Element {@code index} of a float or integer array. */
    public double getDouble(int index) {
        Objects.checkIndex(index, size);
        return switch (elementType) {
            case FLOAT32 -> Float.intBitsToFloat((int) INT.get(data, index * 4));
            case FLOAT64 -> Double.longBitsToDouble((long) LONG.get(data, index * 8));
            default -> getLong(index);
        };
    }

    /** Element {@code index} of a string array. */
    public String getString(int index) {
        Objects.checkIndex(index, size);
        if (elementType != GgufValueType.STRING) {
            throw new IllegalStateException(elementType + " array has no string elements");
        }
        int start = index == 0 ? 0 : stringEnds[index - 1];
        return new String(data, start, stringEnds[index] - start, StandardCharsets.UTF_8);
    }

    /** Encoded elements; for strings the UTF-8 bytes without length prefixes. Not a copy. */
    byte[] data() {
        return data;
    }

    /** End offset of each string in {@link #data()}; null for other element types. Not a copy. */
    int[] stringEnds() {
        return stringEnds;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof GgufArray that
                && elementType == that.elementType
                && size == that.size
                && Arrays.equals(data, that.data)
                && Arrays.equals(stringEnds, that.stringEnds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(elementType, size, Arrays.hashCode(data), Arrays.hashCode(stringEnds));
    }

    @Override
    public String toString() {
        return elementType + "[" + size + "]";
    }
}

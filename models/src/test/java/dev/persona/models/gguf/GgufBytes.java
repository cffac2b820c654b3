package dev.persona.models.gguf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds raw little-endian GGUF bytes by hand, for files no writer would produce. */
final class GgufBytes {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Magic, version and the two declared counts. */
    static GgufBytes header(int version, long tensorCount, long keyCount) {
        return new GgufBytes().raw("GGUF".getBytes(StandardCharsets.US_ASCII)).i32(version).i64(tensorCount)
                .i64(keyCount);
    }

    GgufBytes u8(int value) {
        out.write(value);
        return this;
    }

    GgufBytes i32(int value) {
        for (int i = 0; i < 4; i++) {
            out.write(value >>> (8 * i));
        }
        return this;
    }

    GgufBytes i64(long value) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (value >>> (8 * i)));
        }
        return this;
    }

    GgufBytes str(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        return i64(bytes.length).raw(bytes);
    }

    /** A key with a UINT32 value. */
    GgufBytes keyU32(String key, int value) {
        return str(key).i32(GgufValueType.UINT32.id()).i32(value);
    }

    /** A tensor description. */
    GgufBytes tensor(String name, int type, long offset, long... dimensions) {
        str(name).i32(dimensions.length);
        for (long dimension : dimensions) {
            i64(dimension);
        }
        return i32(type).i64(offset);
    }

    GgufBytes zeros(int count) {
        return raw(new byte[count]);
    }

    GgufBytes raw(byte[] bytes) {
        out.write(bytes, 0, bytes.length);
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    Path writeTo(Path file) throws IOException {
        return Files.write(file, bytes());
    }
}

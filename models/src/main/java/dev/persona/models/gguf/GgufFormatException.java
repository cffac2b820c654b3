package dev.persona.models.gguf;

import java.io.IOException;
import java.nio.file.Path;

/** A file is not a GGUF file this reader accepts; says where in the file and why. */
public final class GgufFormatException extends IOException {

    private final transient Path file;
    private final long offset;
    private final String reason;

    public GgufFormatException(Path file, long offset, String reason) {
        super(file + ": " + reason + " (at byte offset " + offset + ")");
        this.file = file;
        this.offset = offset;
        this.reason = reason;
    }

    /** The file that was read. */
    public Path file() {
        return file;
    }

    /** Byte offset in the file where the problem was found. */
    public long offset() {
        return offset;
    }

    /** What is wrong, without the file name and offset. */
    public String reason() {
        return reason;
    }
}

package dev.persona.plugins;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** A module's stdout or stderr: kept in memory up to a limit; a write beyond it fails and is remembered. */
final class BoundedOutput extends OutputStream {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final int limit;
    private boolean exceeded;

    BoundedOutput(int limit) {
        this.limit = limit;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (bytes.size() + (long) len > limit) {
            exceeded = true;
            throw new IOException("output limit of " + limit + " bytes reached");
        }
        bytes.write(b, off, len);
    }

    boolean exceeded() {
        return exceeded;
    }

    String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}

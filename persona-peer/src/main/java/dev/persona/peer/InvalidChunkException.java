package dev.persona.peer;

/** A chunk frame from the phone that cannot be used; its message says why, in words fit for the phone. */
final class InvalidChunkException extends Exception {

    private final boolean tooLarge;

    /** A malformed chunk frame. */
    InvalidChunkException(String message) {
        this(message, false);
    }

    /** {@code tooLarge}: the frame is well formed, but its message breaks a size limit. */
    InvalidChunkException(String message, boolean tooLarge) {
        super(message);
        this.tooLarge = tooLarge;
    }

    boolean tooLarge() {
        return tooLarge;
    }
}

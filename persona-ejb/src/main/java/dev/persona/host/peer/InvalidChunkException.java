package dev.persona.host.peer;

/** A chunk frame from the phone that cannot be used; its message says why, in words fit for the phone. */
final class InvalidChunkException extends Exception {

    InvalidChunkException(String message) {
        super(message);
    }
}

package dev.persona.plugins;

/** A tool call that cannot be run as asked: an unknown tool or arguments that do not fit its declaration. */
public final class InvalidToolCallException extends Exception {

    public InvalidToolCallException(String message) {
        super(message);
    }
}

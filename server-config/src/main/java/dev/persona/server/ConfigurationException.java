package dev.persona.server;

/**
 * A setting, file or port that keeps the host from starting. The message names the problem and how to fix it;
 * it is shown to the person starting the host as it is.
 */
public class ConfigurationException extends RuntimeException {
    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}

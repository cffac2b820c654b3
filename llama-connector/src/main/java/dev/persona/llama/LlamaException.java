package dev.persona.llama;

import jakarta.resource.ResourceException;

/**
 * A chat or status call could not be served: no backend is ready, a backend refused the request, or the
 * connection to it broke. The message says which backend and what to do.
 */
public class LlamaException extends ResourceException {

    private static final long serialVersionUID = 1L;

    public LlamaException(String message) {
        super(message);
    }

    public LlamaException(String message, Throwable cause) {
        super(message, cause);
    }
}

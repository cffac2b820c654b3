package dev.persona.host.identity;

import jakarta.ejb.ApplicationException;

/** A persona's new name, prompt or colour is not acceptable; the message says why, for the owner to read. */
@ApplicationException(rollback = true)
public class InvalidPersonaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidPersonaException(String message) {
        super(message);
    }
}

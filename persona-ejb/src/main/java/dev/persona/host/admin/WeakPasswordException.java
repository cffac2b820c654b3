package dev.persona.host.admin;

import jakarta.ejb.ApplicationException;

/** A new console password that does not meet the rules; the message says which. */
@ApplicationException(rollback = true)
public class WeakPasswordException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public WeakPasswordException(String message) {
        super(message);
    }
}

package dev.persona.host.identity;

import jakarta.ejb.ApplicationException;

/** Asked to sign with a key that is not (or no longer) one of the persona's. */
@ApplicationException(rollback = false)
public class NotAPersonaKeyException extends IllegalArgumentException {
    public NotAPersonaKeyException(String message) {
        super(message);
    }
}

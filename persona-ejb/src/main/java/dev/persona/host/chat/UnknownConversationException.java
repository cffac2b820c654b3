package dev.persona.host.chat;

import java.util.UUID;

import jakarta.ejb.ApplicationException;

/** A conversation that does not exist, or is not this phone's (the phone cannot tell the two apart). */
@ApplicationException(rollback = true)
public class UnknownConversationException extends RuntimeException {
    public UnknownConversationException(UUID id) {
        super("No conversation " + id + " on this phone.");
    }
}

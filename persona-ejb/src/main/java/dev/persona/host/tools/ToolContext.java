package dev.persona.host.tools;

import java.util.UUID;

/**
 * Whose tool call it is: the persona whose model made it, the phone it was talking to, and the conversation of the
 * turn (null outside one), under which the phone finds the call again in its history.
 */
public record ToolContext(UUID persona, UUID device, UUID conversation) {
}

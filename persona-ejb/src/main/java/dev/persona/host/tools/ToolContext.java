package dev.persona.host.tools;

import java.util.UUID;

/** Whose tool call it is: the persona whose model made it and the phone it was talking to. */
public record ToolContext(UUID persona, UUID device) {
}

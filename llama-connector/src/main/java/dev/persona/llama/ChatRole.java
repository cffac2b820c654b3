package dev.persona.llama;

import java.util.Locale;

/** Who wrote a message of a chat, in the OpenAI chat-completions sense. */
public enum ChatRole {
    SYSTEM, USER, ASSISTANT;

    /** The name on the wire: {@code system}, {@code user} or {@code assistant}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

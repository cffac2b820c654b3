package dev.persona.llama;

import java.util.Locale;

/** Who wrote a message of a chat, in the OpenAI chat-completions sense. */
public enum ChatRole {
    SYSTEM, USER, ASSISTANT,
    /** The result of a tool call, answering an assistant message's {@link ToolCall}. */
    TOOL;

    /** The name on the wire: {@code system}, {@code user}, {@code assistant} or {@code tool}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

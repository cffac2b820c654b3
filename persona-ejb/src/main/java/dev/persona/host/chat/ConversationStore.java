package dev.persona.host.chat;

import java.util.List;
import java.util.UUID;

import dev.persona.host.tools.ToolCallView;

/**
 * The stored conversations as the chat uses them: a phone sees and changes only its own; a call on a conversation
 * that is not the device's throws (somewhere in its causes) {@link UnknownConversationException}.
 */
interface ConversationStore {

    /**
     * Adds the person's text (to a new conversation with that id when {@code isNew}, else to the device's own) and
     * its answer, empty and {@link StoredMessage.State#ANSWERING}; returns the answer's id.
     */
    UUID startTurn(UUID personaId, UUID deviceId, UUID conversationId, boolean isNew, String text);

    /** Saves the answer as far as it got while it streams (nothing once it ended). */
    void saveAnswer(UUID answerId, String text);

    /** The answer ended (complete, or stopped by the phone): stored as complete; an empty one is not kept. */
    void finishAnswer(UUID answerId, String text);

    /** The answer failed or nobody heard it: not kept. */
    void discardAnswer(UUID answerId);

    /** The latest finished messages whose texts fit {@code characters} in all, oldest first. */
    List<StoredMessage> recent(UUID conversationId, UUID deviceId, int characters);

    /** The device's conversations, the latest changed first. */
    List<Conversation> list(UUID deviceId);

    Conversation conversation(UUID conversationId, UUID deviceId);

    /** The conversation's messages, oldest first. */
    List<StoredMessage> messages(UUID conversationId, UUID deviceId);

    /** The tool calls made in the conversation's turns, oldest first. */
    List<ToolCallView> toolCalls(UUID conversationId);

    void delete(UUID conversationId, UUID deviceId);
}

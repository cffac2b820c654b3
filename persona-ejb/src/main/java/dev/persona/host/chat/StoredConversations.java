package dev.persona.host.chat;

import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import dev.persona.host.tools.ToolCallView;

/**
 * The chat core's port to the stored conversations ({@link ConversationStore}) over the {@link Conversations}
 * service bean, with the tool calls of a conversation from wherever the caller keeps them (the host: its
 * PersonaTools). {@link ChatHost} makes one; the in-container chat test makes another over the same bean.
 */
final class StoredConversations implements ConversationStore {

    private final Conversations conversations;
    private final Function<UUID, List<ToolCallView>> toolCalls;

    StoredConversations(Conversations conversations, Function<UUID, List<ToolCallView>> toolCalls) {
        this.conversations = conversations;
        this.toolCalls = toolCalls;
    }

    @Override
    public UUID startTurn(UUID personaId, UUID deviceId, UUID conversationId, boolean isNew, String text) {
        return conversations.startTurn(personaId, deviceId, conversationId, isNew, text);
    }

    @Override
    public void saveAnswer(UUID answerId, String text) {
        conversations.saveAnswer(answerId, text);
    }

    @Override
    public void finishAnswer(UUID answerId, String text) {
        conversations.finishAnswer(answerId, text);
    }

    @Override
    public void discardAnswer(UUID answerId) {
        conversations.discardAnswer(answerId);
    }

    @Override
    public List<StoredMessage> recent(UUID conversationId, UUID deviceId, int characters) {
        return conversations.recent(conversationId, deviceId, characters);
    }

    @Override
    public List<Conversation> list(UUID deviceId) {
        return conversations.list(deviceId);
    }

    @Override
    public Conversation conversation(UUID conversationId, UUID deviceId) {
        return conversations.conversation(conversationId, deviceId);
    }

    @Override
    public List<StoredMessage> messages(UUID conversationId, UUID deviceId) {
        return conversations.messages(conversationId, deviceId);
    }

    @Override
    public List<ToolCallView> toolCalls(UUID conversationId) {
        return toolCalls.apply(conversationId);
    }

    @Override
    public void delete(UUID conversationId, UUID deviceId) {
        conversations.delete(conversationId, deviceId);
    }
}

package dev.persona.host.chat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import dev.persona.llama.ChatRole;
import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

/**
 * The stored conversations: a phone sees and changes only its own. Each call is one transaction, so a turn is
 * stored as soon as it is accepted and an answer as soon as it is done.
 */
@Stateless
public class Conversations {

    @PersistenceContext(unitName = "persona")
    private EntityManager entityManager;

    /** A stored user turn: its conversation, and that conversation's latest messages, oldest first, the turn last. */
    public record StoredTurn(UUID conversationId, List<StoredMessage> recent) {
    }

    /**
     * Adds the user's text to the conversation (a new one when {@code conversationId} is null) and reads what the
     * request to the model needs, in one transaction: the latest messages whose texts fit {@code characters}.
     */
    public StoredTurn addUserMessage(UUID personaId, UUID deviceId, UUID conversationId, String text,
                                     int characters) {
        Instant now = Instant.now();
        Conversation conversation;
        if (conversationId == null) {
            conversation = new Conversation(personaId, deviceId, text, now);
            entityManager.persist(conversation);
        } else {
            conversation = owned(conversationId, deviceId);
        }
        StoredMessage message = new StoredMessage(conversation.id(), conversation.nextSequence(now), ChatRole.USER,
                text, now);
        entityManager.persist(message);
        return new StoredTurn(conversation.id(), conversationId == null ? List.of(message)
                : recent(conversation.id(), characters));
    }

    public void addAssistantMessage(UUID conversationId, UUID deviceId, String text) {
        Conversation conversation = owned(conversationId, deviceId);
        Instant now = Instant.now();
        entityManager.persist(new StoredMessage(conversationId, conversation.nextSequence(now), ChatRole.ASSISTANT,
                text, now));
    }

    /** The latest messages whose texts fit {@code characters} in all, oldest first; the newest always. */
    private List<StoredMessage> recent(UUID conversationId, int characters) {
        List<StoredMessage> newestFirst = entityManager.createQuery("select m from StoredMessage m where "
                        + "m.conversationId = :conversation order by m.sequence desc", StoredMessage.class)
                .setParameter("conversation", conversationId).setMaxResults(200).getResultList();
        List<StoredMessage> kept = new ArrayList<>();
        int used = 0;
        for (StoredMessage message : newestFirst) {
            used += message.text().length();
            if (!kept.isEmpty() && used > characters) {
                break;
            }
            kept.add(message);
        }
        Collections.reverse(kept);
        return kept;
    }

    public List<Conversation> list(UUID deviceId) {
        return entityManager.createQuery("select c from Conversation c where c.deviceId = :device "
                + "order by c.updatedAt desc", Conversation.class).setParameter("device", deviceId).getResultList();
    }

    public List<StoredMessage> messages(UUID conversationId, UUID deviceId) {
        owned(conversationId, deviceId);
        return entityManager.createQuery("select m from StoredMessage m where m.conversationId = :conversation "
                + "order by m.sequence", StoredMessage.class).setParameter("conversation", conversationId)
                .getResultList();
    }

    public Conversation conversation(UUID conversationId, UUID deviceId) {
        return owned(conversationId, deviceId);
    }

    public void delete(UUID conversationId, UUID deviceId) {
        Conversation conversation = owned(conversationId, deviceId);
        entityManager.createQuery("delete from StoredMessage m where m.conversationId = :conversation")
                .setParameter("conversation", conversationId).executeUpdate();
        entityManager.remove(conversation);
    }

    private Conversation owned(UUID conversationId, UUID deviceId) {
        Conversation conversation = entityManager.find(Conversation.class, conversationId);
        if (conversation == null || !conversation.deviceId().equals(deviceId)) {
            throw new UnknownConversationException(conversationId);
        }
        return conversation;
    }
}

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
 * The stored conversations: a phone sees and changes only its own. Each call is one transaction: a turn is stored
 * while its answer starts, and the answer before the phone hears {@code done}.
 */
@Stateless
public class Conversations {

    @PersistenceContext(unitName = "persona")
    private EntityManager entityManager;

    /**
     * Adds the user's text to the conversation {@code conversationId}: a new one (with that id) when {@code isNew},
     * else an existing one of this device.
     */
    public void addUserMessage(UUID personaId, UUID deviceId, UUID conversationId, boolean isNew, String text) {
        Instant now = Instant.now();
        Conversation conversation;
        if (isNew) {
            conversation = new Conversation(conversationId, personaId, deviceId, text, now);
            entityManager.persist(conversation);
        } else {
            conversation = owned(conversationId, deviceId);
        }
        entityManager.persist(new StoredMessage(conversation.id(), conversation.nextSequence(now), ChatRole.USER,
                text, now));
    }

    public void addAssistantMessage(UUID conversationId, UUID deviceId, String text) {
        Conversation conversation = owned(conversationId, deviceId);
        Instant now = Instant.now();
        entityManager.persist(new StoredMessage(conversationId, conversation.nextSequence(now), ChatRole.ASSISTANT,
                text, now));
    }

    /** The latest messages of this device's conversation whose texts fit {@code characters} in all, oldest first. */
    public List<StoredMessage> recent(UUID conversationId, UUID deviceId, int characters) {
        owned(conversationId, deviceId);
        List<StoredMessage> newestFirst = entityManager.createQuery("select m from StoredMessage m where "
                        + "m.conversationId = :conversation order by m.sequence desc", StoredMessage.class)
                .setParameter("conversation", conversationId).setMaxResults(200).getResultList();
        List<StoredMessage> kept = new ArrayList<>();
        int used = 0;
        for (StoredMessage message : newestFirst) {
            used += message.text().length();
            if (used > characters) {
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

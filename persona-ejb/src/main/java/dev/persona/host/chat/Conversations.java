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
 * The stored conversations: a phone sees and changes only its own. Each call is one transaction: a turn (the
 * person's message and its answer, empty and {@link StoredMessage.State#ANSWERING}) is stored while its answer
 * starts, the answer saved while it streams and completed before the phone hears {@code done}; so a crash of the host
 * loses at most the last moments of an answer, which the next start marks interrupted.
 */
@Stateless
public class Conversations {

    @PersistenceContext(unitName = "persona")
    private EntityManager entityManager;

    /**
     * Adds the user's text to the conversation {@code conversationId} (a new one with that id when {@code isNew},
     * else an existing one of this device) and its answer, empty and answering.
     *
     * @return the answer's id, for {@link #saveAnswer}, {@link #finishAnswer} and {@link #discardAnswer}
     */
    public UUID startTurn(UUID personaId, UUID deviceId, UUID conversationId, boolean isNew, String text) {
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
        StoredMessage answer = new StoredMessage(conversation.id(), conversation.nextSequence(now),
                ChatRole.ASSISTANT, "", now, StoredMessage.State.ANSWERING);
        entityManager.persist(answer);
        return answer.id();
    }

    /** Saves the answer as far as it got, while it is still answering (a late save after its end changes nothing). */
    public void saveAnswer(UUID answerId, String text) {
        StoredMessage answer = entityManager.find(StoredMessage.class, answerId);
        if (answer != null && answer.state() == StoredMessage.State.ANSWERING) {
            answer.answer(text, false, Instant.now());
        }
    }

    /** The answer is complete (or stopped by the phone, as far as it got); an empty one is not kept. */
    public void finishAnswer(UUID answerId, String text) {
        StoredMessage answer = entityManager.find(StoredMessage.class, answerId);
        if (answer == null) {
            return;
        }
        if (text.isEmpty()) {
            entityManager.remove(answer);
        } else {
            answer.answer(text, true, Instant.now());
        }
    }

    /** The answer failed or nobody heard it: it is not kept. */
    public void discardAnswer(UUID answerId) {
        StoredMessage answer = entityManager.find(StoredMessage.class, answerId);
        if (answer != null) {
            entityManager.remove(answer);
        }
    }

    /**
     * Marks the answers left answering as interrupted: called at the start, when no answer runs, so these are the
     * ones the last stop (a crash, a kill) cut off.
     *
     * @return how many there were
     */
    public int interruptUnfinished() {
        return entityManager.createQuery("update StoredMessage m set m.state = :interrupted where m.state = "
                        + ":answering").setParameter("interrupted", StoredMessage.State.INTERRUPTED)
                .setParameter("answering", StoredMessage.State.ANSWERING).executeUpdate();
    }

    /**
     * The latest messages of this device's conversation whose texts fit {@code characters} in all, oldest first; an
     * answer still answering, or interrupted before anything of it was saved, is left out.
     */
    public List<StoredMessage> recent(UUID conversationId, UUID deviceId, int characters) {
        owned(conversationId, deviceId);
        List<StoredMessage> newestFirst = entityManager.createQuery("select m from StoredMessage m where "
                        + "m.conversationId = :conversation order by m.sequence desc", StoredMessage.class)
                .setParameter("conversation", conversationId).setMaxResults(200).getResultList();
        List<StoredMessage> kept = new ArrayList<>();
        int used = 0;
        for (StoredMessage message : newestFirst) {
            if (message.state() == StoredMessage.State.ANSWERING || message.text().isEmpty()) {
                continue;
            }
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

package dev.persona.host.tools;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The reminders the scheduler plugin sets: stored here, fired by the {@link ReminderClock}, delivered to phones. */
@Stateless
public class Reminders {

    /** Most reminders waiting per phone, so that a looping model cannot fill the database. */
    static final int MAX_PENDING_PER_DEVICE = 100;

    @PersistenceContext(unitName = "persona")
    private EntityManager entityManager;

    @Inject
    private ReminderClock clock;

    /** Stores a reminder and wakes the clock for it; refused when the phone has too many waiting. */
    public Reminder create(UUID persona, UUID device, String text, Instant due) {
        long waiting = entityManager.createQuery("select count(r) from Reminder r where r.deviceId = :device "
                        + "and r.state = :state", Long.class)
                .setParameter("device", device).setParameter("state", ReminderState.PENDING).getSingleResult();
        if (waiting >= MAX_PENDING_PER_DEVICE) {
            throw new IllegalStateException("this phone already has " + waiting + " reminders waiting; cancel some first");
        }
        Reminder reminder = new Reminder(persona, device, text, due, Instant.now());
        entityManager.persist(reminder);
        entityManager.flush();
        clock.wakeAt(due);
        return reminder;
    }

    /** The reminders of this persona for this phone that have not fired, soonest first. */
    public List<Reminder> pending(UUID persona, UUID device) {
        return entityManager.createQuery("select r from Reminder r where r.personaId = :persona and r.deviceId = :device "
                        + "and r.state = :state order by r.due", Reminder.class)
                .setParameter("persona", persona).setParameter("device", device)
                .setParameter("state", ReminderState.PENDING).getResultList();
    }

    /** Cancels a waiting reminder of this persona and phone; false if there is none with that id. */
    public boolean cancel(UUID persona, UUID device, long id) {
        Reminder reminder = entityManager.find(Reminder.class, id);
        if (reminder == null || !reminder.personaId().equals(persona) || !reminder.deviceId().equals(device)
                || reminder.state() != ReminderState.PENDING) {
            return false;
        }
        reminder.cancelled();
        return true;
    }

    /** Marks every reminder due by {@code now} as fired, in a transaction of its own, and returns them. */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public List<ReminderDue> fireDue(Instant now) {
        List<Reminder> due = entityManager.createQuery("select r from Reminder r where r.state = :state and r.due <= :now "
                        + "order by r.due", Reminder.class)
                .setParameter("state", ReminderState.PENDING).setParameter("now", now).getResultList();
        due.forEach(reminder -> reminder.fired(now));
        return due.stream().map(Reminders::event).toList();
    }

    /** When the next waiting reminder is due. */
    public Optional<Instant> nextDue() {
        return entityManager.createQuery("select min(r.due) from Reminder r where r.state = :state", Instant.class)
                .setParameter("state", ReminderState.PENDING).getResultList().stream().filter(at -> at != null).findFirst();
    }

    /** Reminders that fired while the phone was away, oldest first: deliver them when it connects. */
    public List<ReminderDue> undelivered(UUID device) {
        return entityManager.createQuery("select r from Reminder r where r.deviceId = :device and r.state = :state "
                        + "order by r.due", Reminder.class)
                .setParameter("device", device).setParameter("state", ReminderState.FIRED).getResultList()
                .stream().map(Reminders::event).toList();
    }

    /** The phone has the reminder. */
    public void delivered(long id) {
        Reminder reminder = entityManager.find(Reminder.class, id);
        if (reminder != null && reminder.state() == ReminderState.FIRED) {
            reminder.delivered(Instant.now());
        }
    }

    private static ReminderDue event(Reminder reminder) {
        return new ReminderDue(reminder.id(), reminder.personaId(), reminder.deviceId(), reminder.text(), reminder.due());
    }
}

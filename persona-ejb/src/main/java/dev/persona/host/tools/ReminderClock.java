package dev.persona.host.tools;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.NoMoreTimeoutsException;
import jakarta.ejb.NoSuchObjectLocalException;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.logging.Logger;

/**
 * Fires reminders with the container's timer service. The reminders live in the database, so one non-persistent
 * timer for the next due one is enough: at every start the clock looks for the next one again (and fires at once
 * those that came due while the host was down); a fired reminder is marked so in the database first, so it fires
 * once.
 */
@Singleton
@Startup
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ReminderClock {

    private static final Logger LOG = Logger.getLogger(ReminderClock.class.getName());

    @Resource
    private TimerService timers;

    @Inject
    private Reminders reminders;

    @Inject
    private Event<ReminderDue> due;

    @PostConstruct
    void start() {
        reminders.nextDue().ifPresent(this::wakeAt);
    }

    /** Makes sure the clock wakes at {@code at} at the latest. */
    public void wakeAt(Instant at) {
        for (Timer timer : timers.getTimers()) {
            try {
                if (!timer.getNextTimeout().toInstant().isAfter(at)) {
                    return;
                }
                timer.cancel();
            } catch (NoMoreTimeoutsException | NoSuchObjectLocalException e) {
                // the timer that is firing right now: it has no next time, and fire() looks for the next due
            }
        }
        Instant when = at.isBefore(Instant.now()) ? Instant.now() : at;
        timers.createSingleActionTimer(Date.from(when), new TimerConfig(null, false));
    }

    @Timeout
    void fire(Timer timer) {
        List<ReminderDue> fired = reminders.fireDue(Instant.now());
        for (ReminderDue reminder : fired) {
            LOG.info(() -> "Reminder " + reminder.id() + " is due for phone " + reminder.deviceId());
            try {
                due.fire(reminder);
            } catch (RuntimeException e) {
                LOG.warning(() -> "Reminder " + reminder.id() + " could not be handed to the phone's session (it will "
                        + "get it at its next connection): " + e);
            }
        }
        reminders.nextDue().ifPresent(this::wakeAt);
    }
}

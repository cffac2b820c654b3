package dev.persona.host.installation;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

/**
 * At every start: loads this installation's row (making it at the first start) and counts the start. A database
 * with more than one row was not made by Persona and stops the start with a clear message.
 */
@Singleton
@Startup
public class InstallationRecord {

    private static final Logger LOG = Logger.getLogger(InstallationRecord.class.getName());

    @PersistenceContext(unitName = "persona")
    private EntityManager entityManager;

    private UUID id;
    private long startCount;
    private Instant createdAt;

    @PostConstruct
    void recordStart() {
        List<Installation> rows = entityManager.createQuery("select i from Installation i", Installation.class)
                .getResultList();
        if (rows.size() > 1) {
            throw new IllegalStateException("The database holds " + rows.size() + " installation rows; it was not "
                    + "made by Persona. Point persona.data.dir at the right data directory.");
        }
        Instant now = Instant.now();
        Installation installation;
        if (rows.isEmpty()) {
            installation = new Installation(UUID.randomUUID(), now);
            entityManager.persist(installation);
            LOG.info(() -> "New installation " + installation.id() + ": the database was empty.");
        } else {
            installation = rows.get(0);
        }
        installation.recordStart(now);
        id = installation.id();
        startCount = installation.startCount();
        createdAt = installation.createdAt();
        LOG.info(() -> "Installation " + id + " started for the " + startCount + ". time (created " + createdAt + ").");
    }

    public UUID id() {
        return id;
    }

    public long startCount() {
        return startCount;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** Reads the row again, so the caller learns whether the database answers now. */
    public long startCountInDatabase() {
        return entityManager.find(Installation.class, id).startCount();
    }
}

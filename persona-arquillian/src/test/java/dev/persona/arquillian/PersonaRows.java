package dev.persona.arquillian;

import java.util.UUID;

import dev.persona.host.identity.Persona;
import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

/** Reads and changes persona rows behind the service's back, as a copied database row would (in-container). */
@Stateless
public class PersonaRows {

    @PersistenceContext(unitName = "persona")
    private EntityManager entityManager;

    /** The sealed private key as stored. */
    public byte[] sealedPrivateKey(UUID personaId) {
        return entityManager.createQuery("select p.sealedPrivateKey from Persona p where p.id = :id", byte[].class)
                .setParameter("id", personaId).getSingleResult();
    }

    /** Puts {@code from}'s sealed private key into {@code to}'s row. */
    public void copySealedKey(UUID from, UUID to) {
        entityManager.createQuery("update Persona p set p.sealedPrivateKey = :sealed where p.id = :id")
                .setParameter("sealed", sealedPrivateKey(from)).setParameter("id", to).executeUpdate();
    }

    /** The number of persona rows. */
    public long count() {
        return entityManager.createQuery("select count(p) from " + Persona.class.getSimpleName() + " p", Long.class)
                .getSingleResult();
    }
}

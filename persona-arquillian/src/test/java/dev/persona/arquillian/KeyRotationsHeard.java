package dev.persona.arquillian;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.persona.host.identity.PersonaKeyRotated;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Keeps the key rotations the container delivered to observers (in-container). */
@ApplicationScoped
public class KeyRotationsHeard {

    private final List<PersonaKeyRotated> heard = new CopyOnWriteArrayList<>();

    void heard(@Observes PersonaKeyRotated rotation) {
        heard.add(rotation);
    }

    public List<PersonaKeyRotated> all() {
        return List.copyOf(heard);
    }
}

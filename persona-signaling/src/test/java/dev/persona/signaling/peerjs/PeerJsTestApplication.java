package dev.persona.signaling.peerjs;

import java.util.Set;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The JAX-RS application the web module declares for the PeerJS resource. */
@ApplicationPath("/peerjs")
public class PeerJsTestApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(PeerJsResource.class);
    }
}

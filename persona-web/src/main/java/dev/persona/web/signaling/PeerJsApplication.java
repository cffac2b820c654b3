package dev.persona.web.signaling;

import java.util.Set;

import dev.persona.signaling.peerjs.PeerJsResource;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The PeerJS REST calls ({@code GET /peerjs/id}, {@code GET /peerjs/peers}) where the peerjs client makes them. */
@ApplicationPath("/peerjs")
public class PeerJsApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(PeerJsResource.class);
    }
}

package dev.persona.peer;

import java.util.Optional;

/**
 * Decides whether the host answers a phone's offer, and who listens to the session if it does. Called on the host
 * peer's executor before anything native is created; it may block briefly (a device lookup).
 */
@FunctionalInterface
public interface PeerSessionAcceptor {

    /** The listener for the new session, or empty to leave the offer unanswered. */
    Optional<PeerSessionListener> accept(ConnectionRequest request);

    /**
     * Whether the phone is an approved device of the id it calls, asked before {@link #accept}: other phones are
     * strangers, whose sessions share a smaller budget until they are admitted ({@link PeerSession#proven}). The
     * phone id is the signaling server's word (it checked the phone's key proof). Strangers, unless told otherwise.
     */
    default boolean knows(ConnectionRequest request) {
        return false;
    }
}

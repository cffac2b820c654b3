package dev.persona.peer;

import java.util.Objects;

/**
 * Why a session ended.
 *
 * @param reason the kind of ending, for code
 * @param message what happened and what to check, for the console log and the phone
 */
public record SessionClosed(Reason reason, String message) {

    public SessionClosed {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }

    /** The kinds of endings. */
    public enum Reason {
        /** {@link PeerSession#close()} was called. */
        CLOSED_BY_HOST,
        /** The phone closed the channel, closed the page, or left the signaling server. */
        CLOSED_BY_PHONE,
        /** No peer-to-peer path was found between the phone and the host: the channel never opened. */
        UNREACHABLE,
        /** The offer or the answer could not be applied (an SDP the host cannot use). */
        NEGOTIATION_FAILED,
        /** The path between the phone and the host broke after the channel had opened. */
        CONNECTION_LOST,
        /** The phone did not take messages as fast as the host sent them. */
        PHONE_TOO_SLOW,
        /** The host stopped answering under this id, or the application stopped. */
        HOST_STOPPED
    }
}

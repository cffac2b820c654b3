package dev.persona.signaling.registry;

import java.util.Optional;

/** The PeerJS message types, with their names on the wire. */
public enum MessageType {
    /** Server to client: the id is registered. */
    OPEN("OPEN"),
    /** Server to client: something is wrong; the server closes the socket after it. */
    ERROR("ERROR"),
    /** Server to client: another client holds the id. */
    ID_TAKEN("ID-TAKEN"),
    /** Client to server: still here. */
    HEARTBEAT("HEARTBEAT"),
    OFFER("OFFER"),
    ANSWER("ANSWER"),
    CANDIDATE("CANDIDATE"),
    /** A peer closed its connection to another; also sent by the server when a destination turns out dead. */
    LEAVE("LEAVE"),
    /** Server to client: messages to {@code src} could not be delivered in time. */
    EXPIRE("EXPIRE");

    private final String wireName;

    MessageType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Whether peers may send this type to one another through the server. */
    public boolean isRelayed() {
        return this == OFFER || this == ANSWER || this == CANDIDATE || this == LEAVE || this == EXPIRE;
    }

    /** Whether a message of this type waits for an absent destination (LEAVE and EXPIRE are dropped instead). */
    public boolean waitsForAbsentPeer() {
        return this == OFFER || this == ANSWER || this == CANDIDATE;
    }

    public static Optional<MessageType> fromWireName(String wireName) {
        return Optional.ofNullable(byWireName(wireName));
    }

    /** The type with this name on the wire, or null; on the relay path, where every allocation counts. */
    public static MessageType byWireName(String wireName) {
        return switch (wireName) {
            case "OPEN" -> OPEN;
            case "ERROR" -> ERROR;
            case "ID-TAKEN" -> ID_TAKEN;
            case "HEARTBEAT" -> HEARTBEAT;
            case "OFFER" -> OFFER;
            case "ANSWER" -> ANSWER;
            case "CANDIDATE" -> CANDIDATE;
            case "LEAVE" -> LEAVE;
            case "EXPIRE" -> EXPIRE;
            default -> null;
        };
    }
}

package dev.persona.signaling.registry;

/** Why the registry ended a peer's registration on its own. */
public enum Disconnect {
    /** A newer connection proved the same key, or reconnected with the same token, and took the id over. */
    REPLACED("Another connection took over this id; this one is closed."),
    /** The peer sent nothing for longer than the alive timeout. */
    SILENT("No message or heartbeat within the alive timeout; the peer is dropped.");

    private final String message;

    Disconnect(String message) {
        this.message = message;
    }

    /** What to tell the peer, if it can still be told. */
    public String message() {
        return message;
    }
}

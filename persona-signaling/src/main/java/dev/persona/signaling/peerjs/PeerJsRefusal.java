package dev.persona.signaling.peerjs;

import dev.persona.signaling.registry.MessageType;
import jakarta.websocket.CloseReason.CloseCode;

/** A connection that is not admitted: the message to send (ERROR or ID-TAKEN) and the close code after it. */
final class PeerJsRefusal extends Exception {

    private final MessageType type;
    private final CloseCode closeCode;

    PeerJsRefusal(MessageType type, String message, CloseCode closeCode) {
        super(message, null, false, false);
        this.type = type;
        this.closeCode = closeCode;
    }

    MessageType type() {
        return type;
    }

    CloseCode closeCode() {
        return closeCode;
    }
}

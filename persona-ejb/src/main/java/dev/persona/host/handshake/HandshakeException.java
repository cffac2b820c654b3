package dev.persona.host.handshake;

/** A handshake that cannot go on: a code the phone acts on and a message a person can read. */
public class HandshakeException extends RuntimeException {

    private final String code;

    public HandshakeException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}

package dev.persona.host.chat;

/** A message the protocol cannot take: its {@code code} and a message for the person (docs/protocol.md, errors). */
public class ProtocolException extends RuntimeException {

    private final String code;

    public ProtocolException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}

package dev.persona.web.console;

import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;

import dev.persona.host.identity.Persona;
import dev.persona.signaling.identity.KeyId;

/** A persona as the pairing page shows and edits it. */
public class PersonaRow implements Serializable {

    private static final long serialVersionUID = 1L;
    static final String DEFAULT_COLOUR = "#2563eb";

    private final UUID id;
    private final String keyId;
    private final String fingerprint;
    private final Instant keyCreatedAt;
    private final Instant previousKeyValidUntil;
    private String name;
    private String systemPrompt;
    private String colour;

    PersonaRow(Persona persona) {
        this.id = persona.id();
        this.keyId = KeyId.of(persona.publicKey()).toString();
        this.fingerprint = KeyId.of(persona.publicKey()).fingerprint();
        this.keyCreatedAt = persona.keyCreatedAt();
        Instant now = Instant.now();
        this.previousKeyValidUntil = persona.previousPublicKey(now) != null ? persona.previousKeyValidUntil() : null;
        this.name = persona.name();
        this.systemPrompt = persona.systemPrompt();
        this.colour = persona.colour() != null ? persona.colour() : DEFAULT_COLOUR;
    }

    public UUID getId() {
        return id;
    }

    public String getKeyId() {
        return keyId;
    }

    /** The key id in groups of six, easier to read out. */
    public String getKeyIdGrouped() {
        return keyId.replaceAll("(.{6})(?!$)", "$1 ");
    }

    public String getFingerprint() {
        return fingerprint;
    }

    public Instant getKeyCreatedAt() {
        return keyCreatedAt;
    }

    public Instant getPreviousKeyValidUntil() {
        return previousKeyValidUntil;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getSystemPrompt() {
        return systemPrompt;
    }

    public void setSystemPrompt(String systemPrompt) {
        this.systemPrompt = systemPrompt;
    }

    public String getColour() {
        return colour;
    }

    /** Colour pickers differ on the leading '#'; the service wants it. */
    public void setColour(String colour) {
        this.colour = colour != null && colour.matches("[0-9a-fA-F]{6}") ? "#" + colour : colour;
    }

    public String getInitial() {
        return name.isEmpty() ? "?" : name.substring(0, 1).toUpperCase(java.util.Locale.ROOT);
    }
}

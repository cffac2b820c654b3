package dev.persona.web.console;

import java.io.Serializable;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

import dev.persona.host.devices.Device;
import dev.persona.signaling.identity.KeyId;

/** A device as the devices page shows it; the name is editable. */
public class DeviceRow implements Serializable {

    private static final long serialVersionUID = 1L;

    private final UUID id;
    private final String personaName;
    private final String keyId;
    private final String fingerprint;
    private final String status;
    private final Instant firstSeen;
    private final Instant lastSeen;
    private final boolean connected;
    private String name;

    DeviceRow(Device device, String personaName, boolean connected) {
        this.id = device.id();
        this.personaName = personaName;
        KeyId key = KeyId.of(device.publicKey());
        this.keyId = key.toString();
        this.fingerprint = key.fingerprint();
        this.status = device.status().name().toLowerCase(Locale.ROOT);
        this.firstSeen = device.firstSeen();
        this.lastSeen = device.lastSeen();
        this.connected = connected;
        this.name = device.displayName();
    }

    public UUID getId() {
        return id;
    }

    public String getPersonaName() {
        return personaName;
    }

    public String getKeyId() {
        return keyId;
    }

    /** What the phone shows as its approval code while it waits (docs/identity.md, "Fingerprints"). */
    public String getFingerprint() {
        return fingerprint;
    }

    public String getShortKeyId() {
        return shortened(keyId);
    }

    /** A phone's id as the console's tables show it: its first 12 characters. */
    static String shortened(String id) {
        return id.length() > 12 ? id.substring(0, 12) + "…" : id;
    }

    public String getStatus() {
        return status;
    }

    public Instant getFirstSeen() {
        return firstSeen;
    }

    public Instant getLastSeen() {
        return lastSeen;
    }

    public boolean isConnected() {
        return connected;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }
}

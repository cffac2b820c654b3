package dev.persona.host.devices;

/** Where a device stands with a persona. */
public enum DeviceStatus {
    /** Known, waiting for the owner's approval. */
    PENDING,
    /** May chat. */
    APPROVED,
    /** Cut off; only a new invite pairs it again. */
    REVOKED
}

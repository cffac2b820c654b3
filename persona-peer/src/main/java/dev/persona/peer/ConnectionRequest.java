package dev.persona.peer;

import java.util.Objects;

import jakarta.json.JsonValue;

/**
 * A phone's request to open a data connection to one of the host's ids, read from its peerjs OFFER.
 *
 * @param hostId the host's id the offer was sent to (a persona's key id)
 * @param phoneId the phone's id, as the signaling server vouches for it ({@code src})
 * @param connectionId peerjs's id of the connection ({@code dc_…}); also the data channel's label by default
 * @param label the label the phone gave the connection
 * @param metadata what the phone passed as {@code metadata} to {@code peer.connect}; {@link JsonValue#NULL} if none
 * @param serialization how messages are encoded on the data channel
 */
public record ConnectionRequest(String hostId, String phoneId, String connectionId, String label, JsonValue metadata,
                                Serialization serialization) {

    public ConnectionRequest {
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(phoneId, "phoneId");
        Objects.requireNonNull(connectionId, "connectionId");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(serialization, "serialization");
    }
}

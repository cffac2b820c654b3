package dev.persona.peer;

import java.util.Optional;

/**
 * How the phone's peerjs connection encodes messages (the {@code serialization} option of {@code peer.connect}),
 * limited to the two the host speaks. peerjs's default, {@code "binary"} (BinaryPack), is refused: the phone must
 * connect with {@code serialization: "raw"} (recommended) or {@code "json"}.
 */
public enum Serialization {

    /** Strings travel as text frames, unchanged; binary frames reach {@link PeerSessionListener#onBinary}. */
    RAW("raw", false),

    /**
     * peerjs sends {@code JSON.stringify(data)} as UTF-8 in a binary frame and runs {@code JSON.parse} on every frame
     * it receives, which must therefore be binary UTF-8 too. Every message must be JSON text.
     */
    JSON("json", true);

    private final String wireName;
    private final boolean binaryFrames;

    Serialization(String wireName, boolean binaryFrames) {
        this.wireName = wireName;
        this.binaryFrames = binaryFrames;
    }

    /** The name in peerjs's OFFER payload. */
    public String wireName() {
        return wireName;
    }

    /** Whether the host sends its text as binary frames of UTF-8. */
    boolean binaryFrames() {
        return binaryFrames;
    }

    static Optional<Serialization> fromWireName(String wireName) {
        for (Serialization serialization : values()) {
            if (serialization.wireName.equals(wireName)) {
                return Optional.of(serialization);
            }
        }
        return Optional.empty();
    }
}

package dev.persona.signaling.registry;

import java.util.Objects;

/**
 * How a connection claims its id. A key-proven claim always wins: it replaces whoever held the id, since only the
 * key's holder can make one. A token claim follows peerjs: the same token takes over the id quietly (no second
 * OPEN), another token gets ID-TAKEN while the id is held.
 *
 * @param token the peerjs token of a non-key id; null for a key-proven claim
 */
public record Claim(String token) {

    private static final Claim PROVEN_KEY = new Claim(null);

    /** A claim whose key id was proven by a verified proof token, or an in-process peer's claim. */
    public static Claim provenKey() {
        return PROVEN_KEY;
    }

    /** A claim of a non-key id, held by whoever knows its token. */
    public static Claim token(String token) {
        return new Claim(Objects.requireNonNull(token, "token"));
    }

    public boolean isProvenKey() {
        return token == null;
    }
}

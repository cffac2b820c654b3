package dev.persona.signaling;

import java.security.SecureRandom;
import java.time.Instant;

import dev.persona.signaling.identity.IdProof;
import dev.persona.signaling.identity.KeyId;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/** A random Ed25519 key with its id, making proof tokens as a phone would. */
public final class TestIdentity {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Ed25519PrivateKeyParameters key;
    private final KeyId id;

    private TestIdentity(Ed25519PrivateKeyParameters key) {
        this.key = key;
        this.id = KeyId.of(key.generatePublicKey().getEncoded());
    }

    public static TestIdentity random() {
        return new TestIdentity(new Ed25519PrivateKeyParameters(RANDOM));
    }

    public KeyId keyId() {
        return id;
    }

    public String id() {
        return id.toString();
    }

    public Ed25519PrivateKeyParameters privateKey() {
        return key;
    }

    /** A fresh token for {@code origin}, made now. */
    public String token(String origin) {
        return token(origin, Instant.now().getEpochSecond());
    }

    public String token(String origin, long timestamp) {
        return IdProof.sign(key, origin, timestamp, IdProof.newNonce(RANDOM)).token();
    }
}

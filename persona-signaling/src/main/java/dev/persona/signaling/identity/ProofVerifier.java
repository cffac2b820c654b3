package dev.persona.signaling.identity;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;

import dev.persona.signaling.identity.ProofRejectedException.Reason;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Decides whether a proof token proves a key id at this server now: well formed, made for one of the server's
 * origins, fresh (no older than {@code maxAge}, allowing {@code clockSkew} either way), signed by the id's key, and
 * never used before. Checks run in that order, so only proofs with a valid signature take room in the replay cache,
 * where each is counted for the source address that brought it (keys are free to make: the per-source room keeps one
 * source from filling the cache for everyone).
 */
public final class ProofVerifier {

    private final Set<String> acceptedOrigins;
    private final long maxAgeSeconds;
    private final long clockSkewSeconds;
    private final ReplayCache replays;
    private final Clock clock;

    /**
     * @param acceptedOrigins the origins (see {@link WebOrigin}) under which clients reach this server
     * @param maxAge how old a proof may be by the server's clock, before the skew allowance
     * @param clockSkew how far the signer's clock may be ahead of or behind the server's
     */
    public ProofVerifier(Set<String> acceptedOrigins, Duration maxAge, Duration clockSkew, ReplayCache replays,
                         Clock clock) {
        acceptedOrigins.forEach(WebOrigin::check);
        if (maxAge.isNegative() || clockSkew.isNegative()) {
            throw new IllegalArgumentException("The proof age and clock skew cannot be negative (" + maxAge + ", "
                    + clockSkew + ").");
        }
        this.acceptedOrigins = Set.copyOf(acceptedOrigins);
        this.maxAgeSeconds = maxAge.toSeconds();
        this.clockSkewSeconds = clockSkew.toSeconds();
        this.replays = replays;
        this.clock = clock;
    }

    /**
     * Returns the proof when {@code token} proves {@code id}; its nonce is then used up, counted for {@code source}.
     *
     * @param source the address the proof came from, as the replay cache counts it
     * @throws ProofRejectedException saying why not
     */
    public IdProof verify(KeyId id, String token, String source) throws ProofRejectedException {
        IdProof proof = IdProof.parse(token);
        if (!acceptedOrigins.contains(proof.origin())) {
            throw new ProofRejectedException(Reason.WRONG_ORIGIN, "Proof is for origin " + proof.origin()
                    + ", which is not this server; make the token for the origin of the page that connects.");
        }
        long now = clock.instant().getEpochSecond();
        if (proof.timestamp() > now + clockSkewSeconds) {
            throw new ProofRejectedException(Reason.NOT_YET_VALID, "Proof timestamp " + proof.timestamp() + " is "
                    + (proof.timestamp() - now) + " s ahead of the server clock (" + now + "), more than the "
                    + clockSkewSeconds + " s of clock skew allowed; check the device's clock.");
        }
        if (proof.timestamp() < now - maxAgeSeconds - clockSkewSeconds) {
            throw new ProofRejectedException(Reason.EXPIRED, "Proof expired: made at " + proof.timestamp() + ", "
                    + (now - proof.timestamp()) + " s before the server clock (" + now + "), more than the "
                    + maxAgeSeconds + " s allowed plus " + clockSkewSeconds + " s of clock skew; make a fresh "
                    + "token for every connection and check the device's clock.");
        }
        Ed25519PublicKeyParameters publicKey;
        try {
            publicKey = new Ed25519PublicKeyParameters(id.publicKey(), 0);
        } catch (IllegalArgumentException notOnCurve) {
            throw new ProofRejectedException(Reason.INVALID_KEY, "Id " + id + " does not hold a valid Ed25519 "
                    + "public key.");
        }
        byte[] message = IdProof.signedMessage(id, proof.origin(), proof.timestamp(), proof.nonce());
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, publicKey);
        verifier.update(message, 0, message.length);
        if (!verifier.verifySignature(proof.signature())) {
            throw new ProofRejectedException(Reason.BAD_SIGNATURE, "Proof signature does not verify: the token was "
                    + "not made with the private key of id " + id + ".");
        }
        long rememberUntilMillis = (proof.timestamp() + maxAgeSeconds + clockSkewSeconds + 1) * 1000;
        ReplayCache.Use use = replays.use(id + " " + proof.nonce(), source, rememberUntilMillis, clock.millis());
        if (use == ReplayCache.Use.REPLAY) {
            throw new ProofRejectedException(Reason.REPLAYED, "Proof was already used (its nonce was seen before); "
                    + "make a fresh token for every connection, also before peer.reconnect().");
        }
        if (use == ReplayCache.Use.FULL) {
            throw new ProofRejectedException(Reason.TOO_MANY_PROOFS, "The server remembers too many recent proofs "
                    + "to take another one now; try again in a minute.");
        }
        if (use == ReplayCache.Use.SOURCE_FULL) {
            throw new ProofRejectedException(Reason.TOO_MANY_PROOFS, "Too many recent proofs from this address, "
                    + "more than one address may make within " + (maxAgeSeconds + clockSkewSeconds) + " s; try again "
                    + "in a minute.");
        }
        return proof;
    }
}

package dev.persona.signaling.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;

import dev.persona.signaling.TestClock;
import dev.persona.signaling.TestIdentity;
import dev.persona.signaling.identity.ProofRejectedException.Reason;
import org.junit.jupiter.api.Test;

class ProofVerifierTest {

    private static final String ORIGIN = "https://persona.test:8443";
    private static final long NOW = 1_767_225_600L;
    private static final String SOURCE = "192.168.1.50";

    private final TestClock clock = TestClock.atEpochSecond(NOW);
    private final TestIdentity phone = TestIdentity.random();

    @Test
    void acceptsAFreshProof() throws ProofRejectedException {
        IdProof proof = verifier(100).verify(phone.keyId(), phone.token(ORIGIN, NOW), SOURCE);
        assertEquals(ORIGIN, proof.origin());
        assertEquals(NOW, proof.timestamp());
    }

    @Test
    void allowsTheClockSkewEitherWayAndNoMore() throws ProofRejectedException {
        ProofVerifier verifier = verifier(100);
        verifier.verify(phone.keyId(), phone.token(ORIGIN, NOW + 30), SOURCE);
        verifier.verify(phone.keyId(), phone.token(ORIGIN, NOW - 60 - 30), SOURCE);
        assertRejected(Reason.NOT_YET_VALID, "31 s ahead of the server clock", verifier, phone.token(ORIGIN, NOW + 31));
        assertRejected(Reason.EXPIRED, "more than the 60 s allowed plus 30 s of clock skew", verifier,
                phone.token(ORIGIN, NOW - 91));
    }

    @Test
    void refusesAReplayUntilTheProofIsStaleAnyway() throws ProofRejectedException {
        ProofVerifier verifier = verifier(100);
        String token = phone.token(ORIGIN, NOW);
        verifier.verify(phone.keyId(), token, SOURCE);
        assertRejected(Reason.REPLAYED, "already used", verifier, token);
        clock.advance(Duration.ofSeconds(90));
        assertRejected(Reason.REPLAYED, "already used", verifier, token);
        clock.advance(Duration.ofSeconds(1));
        assertRejected(Reason.EXPIRED, "Proof expired", verifier, token);
    }

    @Test
    void sameNonceUnderAnotherIdIsNoReplay() throws ProofRejectedException {
        ProofVerifier verifier = verifier(100);
        TestIdentity other = TestIdentity.random();
        String nonce = "AAAAAAAAAAAAAAAAAAAAAA";
        verifier.verify(phone.keyId(), IdProof.sign(phone.privateKey(), ORIGIN, NOW, nonce).token(), SOURCE);
        verifier.verify(other.keyId(), IdProof.sign(other.privateKey(), ORIGIN, NOW, nonce).token(), SOURCE);
    }

    @Test
    void refusesNewProofsWhileTheReplayCacheIsFullOfFreshOnes() throws ProofRejectedException {
        ProofVerifier verifier = verifier(2);
        verifier.verify(phone.keyId(), phone.token(ORIGIN, NOW), SOURCE);
        verifier.verify(phone.keyId(), phone.token(ORIGIN, NOW), SOURCE);
        assertRejected(Reason.TOO_MANY_PROOFS, "try again in a minute", verifier, phone.token(ORIGIN, NOW));
        clock.advance(Duration.ofSeconds(91));
        verifier.verify(phone.keyId(), phone.token(ORIGIN, NOW + 91), SOURCE);
    }

    @Test
    void oneSourceFillsOnlyItsOwnRoomInTheReplayCache() throws ProofRejectedException {
        ProofVerifier verifier = new ProofVerifier(Set.of(ORIGIN), Duration.ofSeconds(60), Duration.ofSeconds(30),
                new ReplayCache(100, 2), clock);
        verifier.verify(phone.keyId(), phone.token(ORIGIN, NOW), SOURCE);
        TestIdentity second = TestIdentity.random();
        verifier.verify(second.keyId(), second.token(ORIGIN, NOW), SOURCE);
        TestIdentity fresh = TestIdentity.random();
        ProofRejectedException e = assertThrows(ProofRejectedException.class,
                () -> verifier.verify(fresh.keyId(), fresh.token(ORIGIN, NOW), SOURCE));
        assertEquals(Reason.TOO_MANY_PROOFS, e.reason());
        assertTrue(e.getMessage().startsWith("Too many recent proofs from this address, more than one address may "
                + "make within 90 s"), e.getMessage());
        verifier.verify(fresh.keyId(), fresh.token(ORIGIN, NOW), "192.168.1.51");
        clock.advance(Duration.ofSeconds(91));
        verifier.verify(fresh.keyId(), fresh.token(ORIGIN, NOW + 91), SOURCE);
    }

    @Test
    void badSignatureIsNotRemembered() throws ProofRejectedException {
        ProofVerifier verifier = verifier(1);
        TestIdentity impostor = TestIdentity.random();
        assertRejected(Reason.BAD_SIGNATURE, "not made with the private key of id " + phone.id(), verifier,
                impostor.token(ORIGIN, NOW));
        verifier.verify(phone.keyId(), phone.token(ORIGIN, NOW), SOURCE);
    }

    @Test
    void namesTheForeignOrigin() {
        assertRejected(Reason.WRONG_ORIGIN, "Proof is for origin https://evil.test, which is not this server",
                verifier(10), phone.token("https://evil.test", NOW));
    }

    @Test
    void explainsTheTokenSyntax() {
        assertRejected(Reason.MALFORMED, "Expected v1.<timestamp>.<nonce>.<origin>.<signature>", verifier(10),
                "a-random-peerjs-token");
    }

    @Test
    void signRefusesWhatItCouldNotWrite() {
        assertThrows(IllegalArgumentException.class,
                () -> IdProof.sign(phone.privateKey(), "https://persona.test:443", NOW, "AAAAAAAAAAAAAAAAAAAAAA"));
        assertThrows(IllegalArgumentException.class,
                () -> IdProof.sign(phone.privateKey(), ORIGIN, -1, "AAAAAAAAAAAAAAAAAAAAAA"));
        assertThrows(IllegalArgumentException.class,
                () -> IdProof.sign(phone.privateKey(), ORIGIN, NOW, "too-short"));
    }

    @Test
    void tokenRoundTrips() throws ProofRejectedException {
        String token = phone.token(ORIGIN, NOW);
        assertEquals(token, IdProof.parse(token).token());
        assertTrue(token.matches("[A-Za-z0-9._-]+"), "token must be URL-query safe: " + token);
    }

    private ProofVerifier verifier(int replayCapacity) {
        return new ProofVerifier(Set.of(ORIGIN), Duration.ofSeconds(60), Duration.ofSeconds(30),
                new ReplayCache(replayCapacity, replayCapacity), clock);
    }

    private void assertRejected(Reason reason, String messagePart, ProofVerifier verifier, String token) {
        ProofRejectedException e = assertThrows(ProofRejectedException.class,
                () -> verifier.verify(phone.keyId(), token, SOURCE));
        assertEquals(reason, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }
}

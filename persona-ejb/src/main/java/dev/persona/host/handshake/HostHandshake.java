package dev.persona.host.handshake;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

import dev.persona.host.identity.Signatures;
import dev.persona.signaling.identity.KeyId;

/**
 * The host's side of one data channel's handshake, a one-shot state machine: {@link #onHello} answers with the
 * host's signature and challenge, {@link #onProof} checks the phone's signature within {@link #PROOF_WINDOW} and
 * yields the proven phone. Anything out of order, malformed, late or forged ends it with a {@link HandshakeException}.
 */
public final class HostHandshake {

    public static final int CHALLENGE_BYTES = 32;
    public static final int SIGNATURE_BYTES = 64;
    /** How long the phone has to answer the host's challenge. */
    public static final Duration PROOF_WINDOW = Duration.ofSeconds(30);
    private static final int MAX_INVITE_LENGTH = 64;
    private static final int MAX_NAME_LENGTH = 200;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Signs a statement with the persona key whose public half the phone named; fails if it is not one. */
    @FunctionalInterface
    public interface HostSigner {
        byte[] sign(byte[] publicKey, byte[] statement);
    }

    /** The phone's opening message. */
    public record Hello(int version, String hostId, String deviceId, String challenge, String invite, String name) {
    }

    /** The host's answer. */
    public record Welcome(String hostId, String signature, String challenge) {
    }

    /** The phone's answer to the host's challenge. */
    public record Proof(String signature) {
    }

    /** A phone that proved its key, with the invite and name it presented. */
    public record ProvenPhone(KeyId deviceId, String invite, String name) {
    }

    private enum State { AWAITING_HELLO, AWAITING_PROOF, DONE }

    private final HostSigner signer;
    private State state = State.AWAITING_HELLO;
    private KeyId hostId;
    private Hello hello;
    private byte[] phoneChallenge;
    private byte[] hostChallenge;
    private Instant challengedAt;

    public HostHandshake(HostSigner signer) {
        this.signer = signer;
    }

    public Welcome onHello(Hello message, Instant now) {
        expect(State.AWAITING_HELLO);
        state = State.DONE;
        if (message.version() != 1) {
            throw new HandshakeException("unsupported-version", "This host speaks handshake version 1, not "
                    + message.version() + ". Reload the page to get the current client.");
        }
        hostId = parseId(message.hostId(), "host");
        KeyId deviceId = parseId(message.deviceId(), "device");
        phoneChallenge = HandshakeTranscript.fromBase64url(required(message.challenge(), "challenge"), "challenge",
                CHALLENGE_BYTES);
        if (message.invite() != null && message.invite().length() > MAX_INVITE_LENGTH) {
            throw new HandshakeException("malformed", "invite is longer than " + MAX_INVITE_LENGTH + " characters.");
        }
        if (message.name() != null && message.name().length() > MAX_NAME_LENGTH) {
            throw new HandshakeException("malformed", "name is longer than " + MAX_NAME_LENGTH + " characters.");
        }
        hostChallenge = new byte[CHALLENGE_BYTES];
        RANDOM.nextBytes(hostChallenge);
        byte[] signature;
        try {
            signature = signer.sign(hostId.publicKey(), HandshakeTranscript.hostStatement(hostId.toString(),
                    deviceId.toString(), phoneChallenge, hostChallenge));
        } catch (IllegalArgumentException notOurKey) {
            throw new HandshakeException("unknown-host-key", "This host does not hold the key " + hostId
                    + " (it may have been rotated out). Scan a new QR code from the host.");
        }
        hello = message;
        challengedAt = now;
        state = State.AWAITING_PROOF;
        return new Welcome(hostId.toString(), HandshakeTranscript.base64url(signature),
                HandshakeTranscript.base64url(hostChallenge));
    }

    public ProvenPhone onProof(Proof message, Instant now) {
        expect(State.AWAITING_PROOF);
        state = State.DONE;
        if (now.isAfter(challengedAt.plus(PROOF_WINDOW))) {
            throw new HandshakeException("timeout", "The phone took longer than " + PROOF_WINDOW.toSeconds()
                    + " s to answer the host's challenge. Reconnect.");
        }
        byte[] signature = HandshakeTranscript.fromBase64url(required(message.signature(), "signature"), "signature",
                SIGNATURE_BYTES);
        KeyId deviceId = KeyId.parse(hello.deviceId());
        byte[] statement = HandshakeTranscript.phoneStatement(hostId.toString(), deviceId.toString(), phoneChallenge,
                hostChallenge);
        if (!Signatures.verify(deviceId.publicKey(), statement, signature)) {
            throw new HandshakeException("bad-signature", "The phone's signature does not verify for its key.");
        }
        Arrays.fill(hostChallenge, (byte) 0);
        return new ProvenPhone(deviceId, hello.invite(), hello.name());
    }

    private void expect(State expected) {
        if (state != expected) {
            state = State.DONE;
            throw new HandshakeException("out-of-order", "Handshake message out of order: expected "
                    + (expected == State.AWAITING_HELLO ? "hello" : "proof") + " at this point.");
        }
    }

    private static String required(String value, String field) {
        if (value == null || value.isEmpty()) {
            throw new HandshakeException("malformed", field + " is missing.");
        }
        return value;
    }

    private static KeyId parseId(String text, String field) {
        try {
            return KeyId.parse(required(text, field));
        } catch (IllegalArgumentException e) {
            throw new HandshakeException("malformed", field + ": " + e.getMessage());
        }
    }
}

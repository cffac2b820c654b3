package dev.persona.host.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

import dev.persona.host.identity.Signatures;
import dev.persona.signaling.identity.KeyId;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.Test;

class HostHandshakeTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private static final Ed25519PrivateKeyParameters HOST = key("01");
    private static final Ed25519PrivateKeyParameters PHONE = key("02");
    private static final KeyId HOST_ID = KeyId.of(HOST.generatePublicKey().getEncoded());
    private static final KeyId PHONE_ID = KeyId.of(PHONE.generatePublicKey().getEncoded());
    private static final byte[] PHONE_CHALLENGE = filled(0x11);

    /** The host holds HOST only, as PersonaIdentities would. */
    private static final HostHandshake.HostSigner HOST_SIGNER = (publicKey, statement) -> {
        if (!Arrays.equals(publicKey, HOST.generatePublicKey().getEncoded())) {
            throw new IllegalArgumentException("not ours");
        }
        return sign(HOST, statement);
    };

    private static HostHandshake.Hello hello(String invite) {
        return new HostHandshake.Hello(1, HOST_ID.toString(), PHONE_ID.toString(), b64(PHONE_CHALLENGE), invite,
                "Pixel");
    }

    /** The phone's side: check the host, then sign its statement. */
    private static HostHandshake.Proof phoneAnswers(HostHandshake.Welcome welcome) {
        byte[] hostChallenge = Base64.getUrlDecoder().decode(welcome.challenge());
        byte[] hostStatement = HandshakeTranscript.hostStatement(HOST_ID.toString(), PHONE_ID.toString(),
                PHONE_CHALLENGE, hostChallenge);
        assertTrue(Signatures.verify(HOST_ID.publicKey(), hostStatement,
                Base64.getUrlDecoder().decode(welcome.signature())), "the host proves the key the QR named");
        return new HostHandshake.Proof(b64(sign(PHONE, HandshakeTranscript.phoneStatement(HOST_ID.toString(),
                PHONE_ID.toString(), PHONE_CHALLENGE, hostChallenge))));
    }

    @Test
    void bothSidesProveTheirKeysAndTheInviteComesThrough() {
        HostHandshake handshake = new HostHandshake(HOST_SIGNER);
        HostHandshake.Welcome welcome = handshake.onHello(hello("invitecode"), NOW);

        HostHandshake.ProvenPhone phone = handshake.onProof(phoneAnswers(welcome), NOW.plusSeconds(1));

        assertEquals(PHONE_ID, phone.deviceId());
        assertEquals("invitecode", phone.invite());
        assertEquals("Pixel", phone.name());
    }

    @Test
    void aHostWithoutTheKeyTheQrNamedCannotAnswer() {
        HostHandshake impostor = new HostHandshake((publicKey, statement) -> {
            throw new IllegalArgumentException("not ours");
        });
        HandshakeException error = assertThrows(HandshakeException.class, () -> impostor.onHello(hello(null), NOW));
        assertEquals("unknown-host-key", error.code());
    }

    @Test
    void aForgedPhoneSignatureIsRefused() {
        HostHandshake handshake = new HostHandshake(HOST_SIGNER);
        HostHandshake.Welcome welcome = handshake.onHello(hello(null), NOW);
        byte[] forged = sign(key("03"), HandshakeTranscript.phoneStatement(HOST_ID.toString(), PHONE_ID.toString(),
                PHONE_CHALLENGE, Base64.getUrlDecoder().decode(welcome.challenge())));

        HandshakeException error = assertThrows(HandshakeException.class,
                () -> handshake.onProof(new HostHandshake.Proof(b64(forged)), NOW));
        assertEquals("bad-signature", error.code());
    }

    @Test
    void aProofFromAnEarlierSessionIsRefused() {
        HostHandshake earlier = new HostHandshake(HOST_SIGNER);
        HostHandshake.Proof recorded = phoneAnswers(earlier.onHello(hello(null), NOW));
        earlier.onProof(recorded, NOW);

        HostHandshake replayed = new HostHandshake(HOST_SIGNER);
        replayed.onHello(hello(null), NOW.plusSeconds(5));
        HandshakeException error = assertThrows(HandshakeException.class,
                () -> replayed.onProof(recorded, NOW.plusSeconds(6)));
        assertEquals("bad-signature", error.code());
    }

    @Test
    void aLateProofIsRefused() {
        HostHandshake handshake = new HostHandshake(HOST_SIGNER);
        HostHandshake.Proof proof = phoneAnswers(handshake.onHello(hello(null), NOW));
        HandshakeException error = assertThrows(HandshakeException.class,
                () -> handshake.onProof(proof, NOW.plus(HostHandshake.PROOF_WINDOW).plusSeconds(1)));
        assertEquals("timeout", error.code());
    }

    @Test
    void messagesOutOfOrderOrTwiceEndTheHandshake() {
        HostHandshake handshake = new HostHandshake(HOST_SIGNER);
        assertEquals("out-of-order", assertThrows(HandshakeException.class,
                () -> handshake.onProof(new HostHandshake.Proof(b64(new byte[64])), NOW)).code());
        assertEquals("out-of-order", assertThrows(HandshakeException.class,
                () -> handshake.onHello(hello(null), NOW)).code(), "nothing goes on after an error");

        HostHandshake twice = new HostHandshake(HOST_SIGNER);
        HostHandshake.Proof proof = phoneAnswers(twice.onHello(hello(null), NOW));
        twice.onProof(proof, NOW);
        assertEquals("out-of-order", assertThrows(HandshakeException.class, () -> twice.onProof(proof, NOW)).code());
    }

    @Test
    void malformedHellosSayWhatIsWrong() {
        assertEquals("unsupported-version", assertThrows(HandshakeException.class, () -> new HostHandshake(HOST_SIGNER)
                .onHello(new HostHandshake.Hello(2, HOST_ID.toString(), PHONE_ID.toString(), b64(PHONE_CHALLENGE),
                        null, null), NOW)).code());
        HandshakeException shortChallenge = assertThrows(HandshakeException.class, () -> new HostHandshake(HOST_SIGNER)
                .onHello(new HostHandshake.Hello(1, HOST_ID.toString(), PHONE_ID.toString(), b64(new byte[8]),
                        null, null), NOW));
        assertTrue(shortChallenge.getMessage().contains("32 bytes"), shortChallenge.getMessage());
        HandshakeException badId = assertThrows(HandshakeException.class, () -> new HostHandshake(HOST_SIGNER)
                .onHello(new HostHandshake.Hello(1, HOST_ID.toString(), "not-a-key", b64(PHONE_CHALLENGE),
                        null, null), NOW));
        assertTrue(badId.getMessage().startsWith("device: "), badId.getMessage());
    }

    /**
     * The shared vectors (docs/vectors/handshake-vectors.json) that the phone's JavaScript tests check too: fixed
     * keys and challenges, the exact statements and their (deterministic) signatures.
     */
    @Test
    void sharedVectorsMatchThisImplementation() throws Exception {
        byte[] hostChallenge = filled(0x22);
        byte[] hostStatement = HandshakeTranscript.hostStatement(HOST_ID.toString(), PHONE_ID.toString(),
                PHONE_CHALLENGE, hostChallenge);
        byte[] phoneStatement = HandshakeTranscript.phoneStatement(HOST_ID.toString(), PHONE_ID.toString(),
                PHONE_CHALLENGE, hostChallenge);
        String expected = """
                {
                  "description": "Data-channel handshake vectors (docs/identity.md). Seeds are hex; challenges and signatures unpadded base64url; statements are UTF-8 text.",
                  "hostSeed": "%s",
                  "hostId": "%s",
                  "phoneSeed": "%s",
                  "phoneId": "%s",
                  "phoneChallenge": "%s",
                  "hostChallenge": "%s",
                  "hostStatement": %s,
                  "hostSignature": "%s",
                  "phoneStatement": %s,
                  "phoneSignature": "%s"
                }
                """.formatted(HexFormat.of().formatHex(HOST.getEncoded()), HOST_ID, HexFormat.of().formatHex(
                        PHONE.getEncoded()), PHONE_ID, b64(PHONE_CHALLENGE), b64(hostChallenge),
                jsonString(hostStatement), b64(sign(HOST, hostStatement)), jsonString(phoneStatement),
                b64(sign(PHONE, phoneStatement)));
        Path file = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".."),
                "docs/vectors/handshake-vectors.json");
        if (Boolean.getBoolean("persona.vectors.write")) {
            Files.writeString(file, expected);
        }
        assertEquals(expected, Files.readString(file), "regenerate with -Dpersona.vectors.write=true if the spec "
                + "changed on purpose");
    }

    private static String jsonString(byte[] utf8) {
        return "\"" + new String(utf8, StandardCharsets.UTF_8).replace("\n", "\\n") + "\"";
    }

    private static Ed25519PrivateKeyParameters key(String hexByte) {
        return new Ed25519PrivateKeyParameters(HexFormat.of().parseHex(hexByte.repeat(32)), 0);
    }

    private static byte[] sign(Ed25519PrivateKeyParameters key, byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    private static byte[] filled(int value) {
        byte[] bytes = new byte[HostHandshake.CHALLENGE_BYTES];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}

package dev.persona.host.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.persona.host.handshake.HandshakeTranscript;
import dev.persona.host.identity.Signatures;
import dev.persona.signaling.identity.KeyId;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A phone on a transport of its own inside the container (docs/protocol.md): it proves its key in the handshake and
 * hears the host's frames, which arrive on the container's threads, in a queue it waits on.
 */
final class InContainerPhone implements PhoneChannel {

    /** Generous: a loaded 2-core machine may take seconds for what takes milliseconds on a quiet one. */
    private static final long WAIT_SECONDS = 60;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(RANDOM);
    private final KeyId id = KeyId.of(key.generatePublicKey().getEncoded());
    private final BlockingQueue<JsonObject> heard = new LinkedBlockingQueue<>();
    private final HostedPersona persona;
    private final PhoneSession session;
    private volatile boolean open = true;

    InContainerPhone(ChatService chat, HostedPersona persona) {
        this.persona = persona;
        this.session = chat.connect(persona, id.toString());
        session.opened(this);
    }

    UUID deviceId() {
        return session.deviceId();
    }

    /** {@code hello}, checks the host's proof in {@code welcome}, {@code proof}; returns the host's decision. */
    JsonObject handshake() {
        byte[] challenge = new byte[32];
        RANDOM.nextBytes(challenge);
        say(Json.createObjectBuilder().add("type", "hello").add("v", 1).add("host", persona.keyId().toString())
                .add("device", id.toString()).add("challenge", b64(challenge)).add("name", "in-container phone"));
        JsonObject welcome = expect("welcome");
        byte[] hostChallenge = Base64.getUrlDecoder().decode(welcome.getString("challenge"));
        assertTrue(Signatures.verify(persona.keyId().publicKey(), HandshakeTranscript.hostStatement(
                persona.keyId().toString(), id.toString(), challenge, hostChallenge),
                Base64.getUrlDecoder().decode(welcome.getString("signature"))), "the host proves the persona's key");
        byte[] statement = HandshakeTranscript.phoneStatement(persona.keyId().toString(), id.toString(), challenge,
                hostChallenge);
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        signer.update(statement, 0, statement.length);
        say(Json.createObjectBuilder().add("type", "proof").add("signature", b64(signer.generateSignature())));
        return next();
    }

    void chat(String turnId, String text) {
        say(Json.createObjectBuilder().add("type", "chat").add("id", turnId).add("text", text));
    }

    void stop(String turnId) {
        say(Json.createObjectBuilder().add("type", "stop").add("id", turnId));
    }

    private void say(JsonObjectBuilder frame) {
        session.received(frame.build().toString());
    }

    /** The next frame the host sent, waiting for it. */
    JsonObject next() {
        try {
            JsonObject frame = heard.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(frame, "the host sent nothing within " + WAIT_SECONDS + " s");
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The next frame, which must be of {@code type}. */
    JsonObject expect(String type) {
        JsonObject frame = next();
        assertEquals(type, frame.getString("type"), frame.toString());
        return frame;
    }

    /** The frames up to and including the next of {@code type}. */
    List<JsonObject> until(String type) {
        List<JsonObject> frames = new ArrayList<>();
        JsonObject frame;
        do {
            frame = next();
            frames.add(frame);
        } while (!frame.getString("type").equals(type));
        return frames;
    }

    /** The phone goes away: its transport tells the session. */
    void leave() {
        open = false;
        session.closed();
    }

    @Override
    public boolean send(String frame) {
        return open && heard.add(Json.createReader(new StringReader(frame)).readObject());
    }

    @Override
    public void proven(boolean admitted) {
    }

    @Override
    public LiveSessions.Transport transport() {
        return LiveSessions.Transport.DATA_CHANNEL;
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            session.closed();
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}

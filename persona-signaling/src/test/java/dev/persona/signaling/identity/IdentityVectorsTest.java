package dev.persona.signaling.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.persona.signaling.TestClock;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checks docs/vectors/identity-vectors.json: it is what the generator makes, and every vector holds. */
class IdentityVectorsTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern PEERJS_ID = Pattern.compile("^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$");
    private static JsonObject vectors;

    @BeforeAll
    static void readVectors() throws IOException {
        if (Boolean.getBoolean("persona.vectors.write")) {
            IdentityVectors.write();
        }
        vectors = Json.createReader(new StringReader(Files.readString(IdentityVectors.FILE, StandardCharsets.UTF_8)))
                .readObject();
    }

    @Test
    void fileIsWhatTheGeneratorMakes() {
        assertEquals(IdentityVectors.generate(), vectors, IdentityVectors.FILE + " differs from what "
                + "IdentityVectors makes; regenerate it with -Dpersona.vectors.write=true (see IdentityVectors).");
    }

    @Test
    void keyIdsAreTheKeysOfTheirSeeds() {
        for (JsonObject vector : vectors.getJsonArray("keyIds").getValuesAs(JsonObject.class)) {
            byte[] publicKey = new Ed25519PrivateKeyParameters(HEX.parseHex(vector.getString("seed")))
                    .generatePublicKey().getEncoded();
            assertEquals(vector.getString("publicKey"), HEX.formatHex(publicKey), vector.getString("name"));
            assertEquals(vector.getString("id"), KeyId.of(publicKey).toString(), vector.getString("name"));
            assertArrayEquals(publicKey, KeyId.parse(vector.getString("id")).publicKey(), vector.getString("name"));
            assertTrue(PEERJS_ID.matcher(vector.getString("id")).matches(), vector.getString("name"));
            assertEquals(vector.getString("fingerprint"), KeyId.of(publicKey).fingerprint(), vector.getString("name"));
        }
    }

    @Test
    void rfc8032KeyIsTheStandardOne() {
        JsonObject first = vectors.getJsonArray("keyIds").getJsonObject(0);
        assertEquals("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
                first.getString("publicKey"));
    }

    @Test
    void invalidIdsDoNotParse() {
        for (JsonObject vector : vectors.getJsonArray("invalidIds").getValuesAs(JsonObject.class)) {
            assertThrows(IllegalArgumentException.class, () -> KeyId.parse(vector.getString("id")),
                    vector.getString("name"));
        }
    }

    @Test
    void honestTokensAreMadeFromTheirFields() {
        for (JsonObject vector : vectors.getJsonArray("proofs").getValuesAs(JsonObject.class)) {
            if (!vector.containsKey("seed") || vector.containsKey("note") || vector.getString("name")
                    .startsWith("malformed-")) {
                continue;
            }
            KeyId id = KeyId.parse(vector.getString("id"));
            byte[] message = IdProof.signedMessage(id, vector.getString("origin"),
                    vector.getJsonNumber("timestamp").longValueExact(), vector.getString("nonce"));
            assertEquals(vector.getString("message"), new String(message, StandardCharsets.UTF_8),
                    vector.getString("name"));
            IdProof proof = IdProof.sign(new Ed25519PrivateKeyParameters(HEX.parseHex(vector.getString("seed"))),
                    vector.getString("origin"), vector.getJsonNumber("timestamp").longValueExact(),
                    vector.getString("nonce"));
            assertEquals(vector.getString("token"), proof.token(), vector.getString("name"));
        }
    }

    @Test
    void everyProofHasItsOutcomes() {
        JsonObject settings = vectors.getJsonObject("verifier");
        Set<String> origins = settings.getJsonArray("acceptedOrigins").getValuesAs(JsonString.class).stream()
                .map(JsonString::getString).collect(Collectors.toSet());
        int outcomesChecked = 0;
        for (JsonObject vector : vectors.getJsonArray("proofs").getValuesAs(JsonObject.class)) {
            ProofVerifier verifier = new ProofVerifier(origins,
                    Duration.ofSeconds(settings.getInt("maxAgeSeconds")),
                    Duration.ofSeconds(settings.getInt("clockSkewSeconds")),
                    new ReplayCache(IdentityVectors.REPLAY_CACHE_CAPACITY, IdentityVectors.REPLAY_CACHE_CAPACITY),
                    TestClock.atEpochSecond(vector.getJsonNumber("now").longValueExact()));
            KeyId id = KeyId.parse(vector.getString("id"));
            for (JsonValue expected : vector.getJsonArray("outcomes")) {
                assertEquals(((JsonString) expected).getString(), outcome(verifier, id, vector.getString("token")),
                        vector.getString("name"));
                outcomesChecked++;
            }
        }
        assertTrue(outcomesChecked >= 20, "only " + outcomesChecked + " outcomes checked");
    }

    @Test
    void negativeVectorsCoverEveryRejectionButTheFullCache() {
        Set<String> outcomes = vectors.getJsonArray("proofs").getValuesAs(JsonObject.class).stream()
                .flatMap(vector -> vector.getJsonArray("outcomes").getValuesAs(JsonString.class).stream())
                .map(JsonString::getString).collect(Collectors.toSet());
        for (ProofRejectedException.Reason reason : ProofRejectedException.Reason.values()) {
            if (reason != ProofRejectedException.Reason.TOO_MANY_PROOFS && !outcomes.contains(reason.name())) {
                fail("No vector is rejected with " + reason);
            }
        }
    }

    private static String outcome(ProofVerifier verifier, KeyId id, String token) {
        try {
            verifier.verify(id, token, "vectors");
            return "ACCEPTED";
        } catch (ProofRejectedException rejected) {
            return rejected.reason().name();
        }
    }
}

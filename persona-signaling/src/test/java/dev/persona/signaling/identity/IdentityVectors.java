package dev.persona.signaling.identity;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonWriter;
import jakarta.json.stream.JsonGenerator;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * Makes {@code docs/vectors/identity-vectors.json} from fixed seeds, nonces and times, so the file can be checked
 * against this code at every build. Regenerate after a spec change with
 * {@code ./mvnw -pl persona-signaling test -Dtest=IdentityVectorsTest -Dpersona.vectors.write=true}.
 */
final class IdentityVectors {

    static final Path FILE = Path.of(System.getProperty("persona.repository", ".."))
            .resolve("docs/vectors/identity-vectors.json");
    static final String ORIGIN = "https://persona.test:8443";
    static final String LAN_ORIGIN = "https://192.168.1.20:8443";
    static final String FOREIGN_ORIGIN = "https://impostor.test:8443";
    /** 2026-01-01T00:00:00Z. */
    static final long T0 = 1_767_225_600L;
    static final int MAX_AGE_SECONDS = 60;
    static final int CLOCK_SKEW_SECONDS = 60;
    static final int REPLAY_CACHE_CAPACITY = 1000;

    private static final HexFormat HEX = HexFormat.of();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    /** RFC 8032 section 7.1, TEST 1. */
    private static final String RFC8032_SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

    private IdentityVectors() {
    }

    static JsonObject generate() {
        byte[] alice = HEX.parseHex(RFC8032_SEED);
        byte[] bob = sha256("persona identity vector bob");
        JsonObjectBuilder root = Json.createObjectBuilder()
                .add("spec", "docs/identity.md")
                .add("generatedBy", "persona-signaling/src/test/java/dev/persona/signaling/identity/"
                        + "IdentityVectors.java")
                .add("verifier", Json.createObjectBuilder()
                        .add("acceptedOrigins", Json.createArrayBuilder().add(ORIGIN).add(LAN_ORIGIN))
                        .add("maxAgeSeconds", MAX_AGE_SECONDS)
                        .add("clockSkewSeconds", CLOCK_SKEW_SECONDS))
                .add("keyIds", keyIds(alice, bob))
                .add("invalidIds", invalidIds(alice))
                .add("proofs", proofs(alice, bob));
        return root.build();
    }

    static String toText(JsonObject vectors) {
        StringWriter text = new StringWriter();
        try (JsonWriter writer = Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true))
                .createWriter(text)) {
            writer.writeObject(vectors);
        }
        return text.toString().strip() + "\n";
    }

    static void write() throws IOException {
        Files.createDirectories(FILE.getParent());
        Files.writeString(FILE, toText(generate()), StandardCharsets.UTF_8);
    }

    private static JsonArrayBuilder keyIds(byte[] alice, byte[] bob) {
        JsonArrayBuilder keys = Json.createArrayBuilder()
                .add(keyId("rfc8032-test-1", alice))
                .add(keyId("bob", bob));
        keys.add(keyId("public-key-starts-with-zero-byte", seedWhere("zero", pub -> pub[0] == 0)));
        keys.add(keyId("id-ends-in-a", seedWhere("even", pub -> (pub[31] & 1) == 0)));
        keys.add(keyId("id-ends-in-q", seedWhere("odd", pub -> (pub[31] & 1) == 1)));
        return keys;
    }

    private static JsonObjectBuilder keyId(String name, byte[] seed) {
        byte[] publicKey = new Ed25519PrivateKeyParameters(seed).generatePublicKey().getEncoded();
        return Json.createObjectBuilder()
                .add("name", name)
                .add("seed", HEX.formatHex(seed))
                .add("publicKey", HEX.formatHex(publicKey))
                .add("id", KeyId.of(publicKey).toString())
                .add("fingerprint", KeyId.of(publicKey).fingerprint());
    }

    private static JsonArrayBuilder invalidIds(byte[] seed) {
        String id = idOf(seed);
        char last = id.charAt(id.length() - 1);
        return Json.createArrayBuilder()
                .add(invalidId("uppercase", KeyId.PREFIX + id.substring(2).toUpperCase(Locale.ROOT)))
                .add(invalidId("missing-prefix", id.substring(2)))
                .add(invalidId("one-character-short", id.substring(0, id.length() - 1)))
                .add(invalidId("one-character-long", id + "a"))
                .add(invalidId("not-canonical-last-character", id.substring(0, id.length() - 1)
                        + (char) (last + 1)))
                .add(invalidId("digit-outside-alphabet", id.substring(0, 10) + "1" + id.substring(11)))
                .add(invalidId("base32-padding", id.substring(0, id.length() - 4) + "===="));
    }

    private static JsonObjectBuilder invalidId(String name, String id) {
        return Json.createObjectBuilder().add("name", name).add("id", id);
    }

    private static JsonArrayBuilder proofs(byte[] alice, byte[] bob) {
        long now = T0 + 5;
        long oldest = now - MAX_AGE_SECONDS - CLOCK_SKEW_SECONDS;
        long newest = now + CLOCK_SKEW_SECONDS;
        JsonArrayBuilder proofs = Json.createArrayBuilder();
        proofs.add(proof("valid", alice, ORIGIN, T0, now, "ACCEPTED").build());
        proofs.add(proof("valid-lan-origin", bob, LAN_ORIGIN, T0, now, "ACCEPTED").build());
        proofs.add(proof("oldest-accepted", alice, ORIGIN, oldest, now, "ACCEPTED").build());
        proofs.add(proof("newest-accepted", alice, ORIGIN, newest, now, "ACCEPTED").build());
        proofs.add(proof("replayed", alice, ORIGIN, T0, now, "ACCEPTED", "REPLAYED").build());
        proofs.add(proof("expired", alice, ORIGIN, oldest - 1, now, "EXPIRED").build());
        proofs.add(proof("ahead-beyond-clock-skew", alice, ORIGIN, newest + 1, now, "NOT_YET_VALID").build());
        proofs.add(proof("wrong-origin", alice, FOREIGN_ORIGIN, T0, now, "WRONG_ORIGIN").build());

        IdProof byBob = signed(bob, "forged-signature", ORIGIN, T0);
        proofs.add(proof("forged-signature", alice, ORIGIN, T0, now, "BAD_SIGNATURE")
                .add("token", byBob.token())
                .add("note", "signed with bob's key, presented with alice's id"));

        IdProof valid = signed(alice, "tampered-signature", ORIGIN, T0);
        byte[] flipped = valid.signature();
        flipped[0] ^= 1;
        proofs.add(proof("tampered-signature", alice, ORIGIN, T0, now, "BAD_SIGNATURE")
                .add("token", replaceField(valid.token(), 4, BASE64URL.encodeToString(flipped)))
                .add("note", "first signature bit flipped"));

        IdProof forLan = signed(alice, "origin-relabelled", LAN_ORIGIN, T0);
        proofs.add(proof("origin-relabelled", alice, LAN_ORIGIN, T0, now, "BAD_SIGNATURE")
                .add("token", replaceField(forLan.token(), 3,
                        BASE64URL.encodeToString(ORIGIN.getBytes(StandardCharsets.US_ASCII))))
                .add("note", "signed for the LAN origin, origin field changed to another accepted origin"));

        byte[] notOnCurve = new byte[KeyId.KEY_BYTES];
        Arrays.fill(notOnCurve, (byte) 0xff);
        IdProof anyProof = signed(alice, "invalid-key", ORIGIN, T0);
        proofs.add(Json.createObjectBuilder()
                .add("name", "invalid-key")
                .add("id", KeyId.of(notOnCurve).toString())
                .add("token", anyProof.token())
                .add("now", now)
                .add("outcomes", Json.createArrayBuilder().add("INVALID_KEY"))
                .add("note", "32 bytes 0xff are not an Ed25519 point; the token is alice's"));

        for (Map.Entry<String, String> malformed : malformedTokens(signed(alice, "malformed", ORIGIN, T0))
                .entrySet()) {
            proofs.add(proof("malformed-" + malformed.getKey(), alice, ORIGIN, T0, now, "MALFORMED")
                    .add("token", malformed.getValue()));
        }
        return proofs;
    }

    private static Map<String, String> malformedTokens(IdProof proof) {
        String token = proof.token();
        String signature = token.substring(token.lastIndexOf('.') + 1);
        String standardBase64 = Base64.getEncoder().encodeToString(proof.signature());
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("empty", "");
        tokens.put("four-fields", token.substring(0, token.lastIndexOf('.')));
        tokens.put("unknown-version", "v2" + token.substring(2));
        tokens.put("timestamp-leading-zero", replaceField(token, 1, "0" + proof.timestamp()));
        tokens.put("short-nonce", replaceField(token, 2, proof.nonce().substring(0, 21)));
        tokens.put("origin-not-base64url", replaceField(token, 3, "https://localhost:8443"));
        tokens.put("padded-signature", token + "==");
        tokens.put("standard-base64-signature", replaceField(token, 4, standardBase64));
        tokens.put("signature-one-byte-short", replaceField(token, 4, signature.substring(0, 84)));
        return tokens;
    }

    /** A vector whose token is made honestly from its fields; the outcomes are those of successive verifications. */
    private static JsonObjectBuilder proof(String name, byte[] seed, String origin, long timestamp, long now,
                                           String... outcomes) {
        IdProof proof = signed(seed, name, origin, timestamp);
        Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(seed);
        KeyId id = KeyId.of(key.generatePublicKey().getEncoded());
        return Json.createObjectBuilder()
                .add("name", name)
                .add("seed", HEX.formatHex(seed))
                .add("publicKey", HEX.formatHex(id.publicKey()))
                .add("id", id.toString())
                .add("origin", origin)
                .add("timestamp", timestamp)
                .add("nonce", proof.nonce())
                .add("message", new String(IdProof.signedMessage(id, origin, timestamp, proof.nonce()),
                        StandardCharsets.UTF_8))
                .add("token", proof.token())
                .add("now", now)
                .add("outcomes", Json.createArrayBuilder(List.of(outcomes)));
    }

    private static IdProof signed(byte[] seed, String nonceLabel, String origin, long timestamp) {
        String nonce = BASE64URL.encodeToString(Arrays.copyOf(sha256("persona nonce " + nonceLabel),
                IdProof.NONCE_BYTES));
        return IdProof.sign(new Ed25519PrivateKeyParameters(seed), origin, timestamp, nonce);
    }

    private static String replaceField(String token, int index, String value) {
        String[] fields = token.split("\\.", -1);
        fields[index] = value;
        return String.join(".", fields);
    }

    private static String idOf(byte[] seed) {
        return KeyId.of(new Ed25519PrivateKeyParameters(seed).generatePublicKey().getEncoded()).toString();
    }

    /** The first seed {@code sha256(label + n)} whose public key satisfies {@code wanted}. */
    private static byte[] seedWhere(String label, Predicate<byte[]> wanted) {
        for (int n = 0; ; n++) {
            byte[] seed = sha256("persona identity vector " + label + " " + n);
            if (wanted.test(new Ed25519PrivateKeyParameters(seed).generatePublicKey().getEncoded())) {
                return seed;
            }
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256.", e);
        }
    }
}

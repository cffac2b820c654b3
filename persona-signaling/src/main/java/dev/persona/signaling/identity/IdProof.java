package dev.persona.signaling.identity;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * The proof token a peer sends in peerjs's {@code token} query parameter: an Ed25519 signature by the id's key over
 * the id, the server origin, a Unix timestamp and a nonce. Its text is
 * {@code v1.<timestamp>.<nonce>.<origin in base64url>.<signature in base64url>} (URL-query safe as it is); the signed
 * bytes are {@link #signedMessage}. This class reads and writes tokens; {@link ProofVerifier} decides whether one
 * proves an id.
 */
public final class IdProof {

    public static final String VERSION = "v1";
    /** First line of every signed message, so that no other Persona signature can pass for a proof. */
    public static final String CONTEXT = "persona/signaling-proof/v1";
    public static final int NONCE_BYTES = 16;
    public static final int SIGNATURE_BYTES = 64;
    /** No valid token is longer (the origin is at most {@value WebOrigin#MAX_LENGTH} characters). */
    public static final int MAX_TOKEN_LENGTH = 512;

    private static final Pattern TIMESTAMP = Pattern.compile("0|[1-9][0-9]{0,11}");
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder BASE64URL_DECODER = Base64.getUrlDecoder();

    private final long timestamp;
    private final String nonce;
    private final String origin;
    private final byte[] signature;

    private IdProof(long timestamp, String nonce, String origin, byte[] signature) {
        this.timestamp = timestamp;
        this.nonce = nonce;
        this.origin = origin;
        this.signature = signature;
    }

    /** A new random nonce: 16 bytes in base64url without padding (22 characters). */
    public static String newNonce(SecureRandom random) {
        byte[] bytes = new byte[NONCE_BYTES];
        random.nextBytes(bytes);
        return BASE64URL.encodeToString(bytes);
    }

    /**
     * Signs a proof for the id of {@code key}'s public key.
     *
     * @param timestamp Unix time in seconds
     * @throws IllegalArgumentException when the origin or nonce do not follow {@code docs/identity.md}
     */
    public static IdProof sign(Ed25519PrivateKeyParameters key, String origin, long timestamp, String nonce) {
        WebOrigin.check(origin);
        if (timestamp < 0 || !TIMESTAMP.matcher(Long.toString(timestamp)).matches()) {
            throw new IllegalArgumentException("A proof timestamp is Unix seconds with at most 12 digits, not "
                    + timestamp + ".");
        }
        if (decodeCanonical(nonce, NONCE_BYTES) == null) {
            throw new IllegalArgumentException("A nonce is " + NONCE_BYTES + " bytes in base64url without padding, "
                    + "not '" + nonce + "'.");
        }
        KeyId id = KeyId.of(key.generatePublicKey().getEncoded());
        byte[] message = signedMessage(id, origin, timestamp, nonce);
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        signer.update(message, 0, message.length);
        return new IdProof(timestamp, nonce, origin, signer.generateSignature());
    }

    /**
     * Reads a token; it says nothing yet about whether the proof holds.
     *
     * @throws ProofRejectedException with reason {@link ProofRejectedException.Reason#MALFORMED}
     */
    public static IdProof parse(String token) throws ProofRejectedException {
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw malformed("it is longer than " + MAX_TOKEN_LENGTH + " characters");
        }
        String[] fields = token.split("\\.", -1);
        if (fields.length != 5) {
            throw malformed("it has " + fields.length + " dot-separated fields instead of 5");
        }
        if (!fields[0].equals(VERSION)) {
            throw malformed("its version is '" + fields[0] + "', this server reads '" + VERSION + "'");
        }
        if (!TIMESTAMP.matcher(fields[1]).matches()) {
            throw malformed("its timestamp '" + fields[1] + "' is not Unix seconds written without leading zeros");
        }
        if (decodeCanonical(fields[2], NONCE_BYTES) == null) {
            throw malformed("its nonce is not " + NONCE_BYTES + " bytes in base64url without padding");
        }
        byte[] originBytes = decodeCanonical(fields[3], -1);
        if (originBytes == null) {
            throw malformed("its origin is not base64url without padding");
        }
        String origin = new String(originBytes, StandardCharsets.UTF_8);
        if (!WebOrigin.isValid(origin)) {
            throw malformed("its origin is not " + WebOrigin.RULE);
        }
        byte[] signature = decodeCanonical(fields[4], SIGNATURE_BYTES);
        if (signature == null) {
            throw malformed("its signature is not " + SIGNATURE_BYTES + " bytes in base64url without padding");
        }
        return new IdProof(Long.parseLong(fields[1]), fields[2], origin, signature);
    }

    /**
     * The exact bytes a proof signs: the UTF-8 (here: ASCII) encoding of {@value #CONTEXT}, the id, the origin, the
     * timestamp in decimal and the nonce as written in the token, each followed by a line feed except the last.
     */
    public static byte[] signedMessage(KeyId id, String origin, long timestamp, String nonce) {
        return (CONTEXT + "\n" + id + "\n" + origin + "\n" + timestamp + "\n" + nonce)
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The token text. */
    public String token() {
        return VERSION + "." + timestamp + "." + nonce + "."
                + BASE64URL.encodeToString(origin.getBytes(StandardCharsets.UTF_8)) + "."
                + BASE64URL.encodeToString(signature);
    }

    /** Unix time in seconds at which the proof was made, by the signer's clock. */
    public long timestamp() {
        return timestamp;
    }

    public String nonce() {
        return nonce;
    }

    public String origin() {
        return origin;
    }

    /** A copy of the 64-byte signature. */
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public String toString() {
        return token();
    }

    /** The bytes of canonical unpadded base64url text, or null; {@code length} -1 accepts any non-empty length. */
    private static byte[] decodeCanonical(String text, int length) {
        if (text.isEmpty()) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = BASE64URL_DECODER.decode(text);
        } catch (IllegalArgumentException notBase64url) {
            return null;
        }
        if (length >= 0 && bytes.length != length || !BASE64URL.encodeToString(bytes).equals(text)) {
            return null;
        }
        return bytes;
    }

    private static ProofRejectedException malformed(String why) {
        return new ProofRejectedException(ProofRejectedException.Reason.MALFORMED, "Malformed proof token: " + why
                + ". Expected " + VERSION + ".<timestamp>.<nonce>.<origin>.<signature> as in docs/identity.md.");
    }
}

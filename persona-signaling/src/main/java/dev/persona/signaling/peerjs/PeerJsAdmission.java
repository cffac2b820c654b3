package dev.persona.signaling.peerjs;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.persona.signaling.SignalingServer;
import dev.persona.signaling.identity.KeyId;
import dev.persona.signaling.identity.ProofRejectedException;
import dev.persona.signaling.registry.Claim;
import dev.persona.signaling.registry.MessageSink;
import dev.persona.signaling.registry.MessageType;
import dev.persona.signaling.registry.PeerConnection;
import dev.persona.signaling.registry.RegistrationRefusedException;
import jakarta.websocket.CloseReason.CloseCode;
import jakarta.websocket.CloseReason.CloseCodes;

/**
 * The checks a new socket passes before it is registered, in peerjs's order with ours in between: parameters
 * present, the key, a well-formed id, then for a key id a valid fresh unreplayed proof (or, for another id, the
 * setting that allows such ids), then the registry (id taken, concurrent limit, peers per source address).
 */
final class PeerJsAdmission {

    /** The only key: peerjs's default. It is no secret in a browser app; the proof token is the access check. */
    static final String KEY = "peerjs";
    /** The peerjs client's own id rule. */
    static final Pattern ID_RULE = Pattern.compile("[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*");
    static final int MAX_ID_LENGTH = 64;
    /** Longest token of a non-key id (peerjs makes ~11 characters); key-id tokens have their own limit. */
    static final int MAX_PLAIN_TOKEN_LENGTH = 256;

    static final String NO_PARAMETERS = "No id, token, or key supplied to websocket server";
    static final String INVALID_KEY = "Invalid key provided";
    static final String ID_TAKEN = "ID is taken";
    static final String CONCURRENT_LIMIT = "Server has reached its concurrent user limit";

    private final SignalingServer server;

    PeerJsAdmission(SignalingServer server) {
        this.server = server;
    }

    /** Admits a socket from {@code source} (its address, as the limits per source count it) or says why not. */
    PeerConnection admit(Map<String, List<String>> query, String source, MessageSink sink) throws PeerJsRefusal {
        String id = single(query, "id");
        String token = single(query, "token");
        String key = single(query, "key");
        if (id.isEmpty() || token.isEmpty() || key.isEmpty()) {
            throw error(NO_PARAMETERS, CloseCodes.VIOLATED_POLICY);
        }
        if (!key.equals(KEY)) {
            throw error(INVALID_KEY, CloseCodes.VIOLATED_POLICY);
        }
        if (id.length() > MAX_ID_LENGTH || !ID_RULE.matcher(id).matches()) {
            throw error("Invalid id: an id is at most " + MAX_ID_LENGTH + " letters and digits, single spaces, "
                    + "dashes or underscores between them, as the peerjs client requires.", CloseCodes.VIOLATED_POLICY);
        }
        Claim claim = KeyId.isClaimedKeyId(id) ? provenKey(id, token, source) : plainToken(id, token);
        try {
            return server.registry().register(id, claim, source, sink);
        } catch (RegistrationRefusedException refused) {
            throw switch (refused.refusal()) {
                case ID_TAKEN -> new PeerJsRefusal(MessageType.ID_TAKEN, ID_TAKEN, CloseCodes.VIOLATED_POLICY);
                case CONCURRENT_LIMIT -> error(CONCURRENT_LIMIT, CloseCodes.TRY_AGAIN_LATER);
                case SOURCE_LIMIT -> error(refused.getMessage(), CloseCodes.TRY_AGAIN_LATER);
            };
        }
    }

    private Claim provenKey(String id, String token, String source) throws PeerJsRefusal {
        KeyId keyId;
        try {
            keyId = KeyId.parse(id);
        } catch (IllegalArgumentException notKeyId) {
            throw error(notKeyId.getMessage() + " Ids starting with '" + KeyId.PREFIX + "' are key ids "
                    + "(docs/identity.md).", CloseCodes.VIOLATED_POLICY);
        }
        try {
            server.verifier().verify(keyId, token, source);
        } catch (ProofRejectedException rejected) {
            throw error(rejected.getMessage(), rejected.reason() == ProofRejectedException.Reason.TOO_MANY_PROOFS
                    ? CloseCodes.TRY_AGAIN_LATER : CloseCodes.VIOLATED_POLICY);
        }
        return Claim.provenKey();
    }

    private Claim plainToken(String id, String token) throws PeerJsRefusal {
        if (!server.settings().allowNonKeyIds()) {
            throw error("Id " + id + " is not a key id, and this server accepts only key ids proven by a token: "
                    + "an Ed25519 public key written as docs/identity.md says.", CloseCodes.VIOLATED_POLICY);
        }
        if (token.length() > MAX_PLAIN_TOKEN_LENGTH) {
            throw error("Token too long: at most " + MAX_PLAIN_TOKEN_LENGTH + " characters.",
                    CloseCodes.VIOLATED_POLICY);
        }
        return Claim.token(token);
    }

    private static String single(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() || values.get(0) == null ? "" : values.get(0);
    }

    private static PeerJsRefusal error(String message, CloseCode code) {
        return new PeerJsRefusal(MessageType.ERROR, message, code);
    }
}

package dev.persona.peer;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.onvoid.webrtc.RTCIceCandidate;
import dev.persona.peer.logs.LogText;
import jakarta.json.Json;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * The payloads of the PeerJS messages the host reads (OFFER, CANDIDATE) and writes (ANSWER, CANDIDATE), in the
 * shapes peerjs 1.5.5 sends and expects (see {@code docs/host-peer.md}). Readers throw
 * {@link IllegalArgumentException} with a message that says what is wrong and what the phone should send.
 * They stay JSON-P, not JSON-B records: a payload is part of a signaling message whose JSON-P value the signaling
 * server hands over and takes back as it is ({@link SignalingLink}); binding it would write and parse each payload
 * once more on the relay path that docs/signaling.md ("How a frame is relayed") measured.
 */
final class PeerjsPayloads {

    /** An OFFER's content: who asks for what, and the SDP to apply. */
    record Offer(ConnectionRequest request, String sdp) {
    }

    static final String DATA_CONNECTION = "data";

    private static final JsonBuilderFactory JSON = Json.createBuilderFactory(Map.of());
    private static final Pattern USERNAME_FRAGMENT = Pattern.compile(" ufrag (\\S+)");
    /** peerjs makes {@code dc_} and a random base-36 token; logs and the console show the id as it is. */
    private static final Pattern CONNECTION_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");

    private PeerjsPayloads() {
    }

    static Offer readOffer(String hostId, String phoneId, JsonValue payload) {
        JsonObject offer = object(payload, "the payload");
        String type = offer.getString("type", "");
        if (!DATA_CONNECTION.equals(type)) {
            throw new IllegalArgumentException("it is a '" + LogText.untrusted(type) + "' connection; the host "
                    + "answers data connections (peer.connect) only.");
        }
        String connectionId = text(offer, "connectionId");
        if (!CONNECTION_ID.matcher(connectionId).matches()) {
            throw new IllegalArgumentException("its connectionId '" + LogText.untrusted(connectionId) + "' is not 1 to "
                    + "100 letters, digits and _.:- (peerjs makes dc_ and a random token).");
        }
        JsonObject description = object(offer.get("sdp"), "its \"sdp\"");
        if (!"offer".equals(description.getString("type", ""))) {
            throw new IllegalArgumentException("its \"sdp\" is not of type \"offer\".");
        }
        String serializationName = offer.getString("serialization", "binary");
        Serialization serialization = Serialization.fromWireName(serializationName).orElseThrow(
                () -> new IllegalArgumentException("it asks for serialization '"
                        + LogText.untrusted(serializationName) + "'; the host speaks 'raw' and 'json' only. Connect "
                        + "with peer.connect(hostId, {serialization: 'raw', reliable: true})."));
        if (!offer.getBoolean("reliable", false)) {
            throw new IllegalArgumentException("it asks for an unordered channel (reliable: false, peerjs's default),"
                    + " where messages may overtake each other. Connect with peer.connect(hostId, "
                    + "{serialization: 'raw', reliable: true}).");
        }
        String label = offer.getString("label", connectionId);
        JsonValue metadata = offer.getOrDefault("metadata", JsonValue.NULL);
        return new Offer(new ConnectionRequest(hostId, phoneId, connectionId, label, metadata, serialization),
                text(description, "sdp"));
    }

    /** The connection a CANDIDATE is for, or null when the payload names none. */
    static String connectionId(JsonValue payload) {
        if (payload instanceof JsonObject object && object.get("connectionId") instanceof JsonString id) {
            return id.getString();
        }
        return null;
    }

    static RTCIceCandidate readCandidate(JsonValue payload) {
        JsonObject candidate = object(object(payload, "the payload").get("candidate"), "its \"candidate\"");
        String sdpMid = candidate.getString("sdpMid", "");
        int sdpMLineIndex = candidate.get("sdpMLineIndex") instanceof JsonNumber index ? index.intValue() : 0;
        return new RTCIceCandidate(sdpMid, sdpMLineIndex, text(candidate, "candidate"));
    }

    static JsonObject answer(String sdp, String connectionId) {
        return JSON.createObjectBuilder()
                .add("sdp", JSON.createObjectBuilder().add("type", "answer").add("sdp", sdp))
                .add("type", DATA_CONNECTION)
                .add("connectionId", connectionId)
                .build();
    }

    static JsonObject candidate(RTCIceCandidate candidate, String connectionId) {
        JsonObjectBuilder init = JSON.createObjectBuilder()
                .add("candidate", candidate.sdp)
                .add("sdpMid", candidate.sdpMid)
                .add("sdpMLineIndex", candidate.sdpMLineIndex);
        Matcher fragment = USERNAME_FRAGMENT.matcher(candidate.sdp);
        if (fragment.find()) {
            init.add("usernameFragment", fragment.group(1));
        } else {
            init.addNull("usernameFragment");
        }
        return JSON.createObjectBuilder()
                .add("candidate", init)
                .add("type", DATA_CONNECTION)
                .add("connectionId", connectionId)
                .build();
    }

    private static JsonObject object(JsonValue value, String what) {
        if (value instanceof JsonObject object) {
            return object;
        }
        throw new IllegalArgumentException(what + " is not a JSON object.");
    }

    private static String text(JsonObject object, String name) {
        if (object.get(name) instanceof JsonString text && !text.getString().isEmpty()) {
            return text.getString();
        }
        throw new IllegalArgumentException("\"" + name + "\" is missing or not a string.");
    }
}

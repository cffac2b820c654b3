package dev.persona.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;

import dev.onvoid.webrtc.RTCIceCandidate;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

/** The payloads in the shapes peerjs 1.5.5 writes and reads. */
class PeerjsPayloadsTest {

    private static final String SDP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
            + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:0\r\na=sctp-port:5000\r\n"
            + "a=max-message-size:262144\r\n";

    @Test
    void readsARawReliableDataOffer() {
        PeerjsPayloads.Offer offer = PeerjsPayloads.readOffer("host1", "phone1", json(offer(
                "\"serialization\":\"raw\",\"reliable\":true,\"metadata\":{\"device\":\"pixel\"}")));

        ConnectionRequest request = offer.request();
        assertEquals("host1", request.hostId());
        assertEquals("phone1", request.phoneId());
        assertEquals("dc_w2ttqemyzd", request.connectionId());
        assertEquals("dc_w2ttqemyzd", request.label());
        assertEquals("pixel", request.metadata().asJsonObject().getString("device"));
        assertEquals(Serialization.RAW, request.serialization());
        assertEquals(SDP, offer.sdp());
    }

    @Test
    void absentMetadataIsJsonNull() {
        PeerjsPayloads.Offer offer = PeerjsPayloads.readOffer("host1", "phone1",
                json(offer("\"serialization\":\"json\",\"reliable\":true")));

        assertEquals(JsonValue.NULL, offer.request().metadata());
        assertEquals(Serialization.JSON, offer.request().serialization());
    }

    @Test
    void peerjsDefaultsAreRefusedWithTheOptionsToUse() {
        assertRefused(offer("\"reliable\":true"), "serialization 'binary'",
                "peer.connect(hostId, {serialization: 'raw', reliable: true})");
        assertRefused(offer("\"serialization\":\"raw\",\"reliable\":false"), "unordered channel",
                "{serialization: 'raw', reliable: true}");
        assertRefused(offer("\"serialization\":\"raw\",\"reliable\":true").replace("\"type\":\"data\"",
                "\"type\":\"media\""), "'media' connection");
        assertRefused("{\"type\":\"data\"}", "\"connectionId\" is missing");
        assertRefused(offer("\"serialization\":\"raw\",\"reliable\":true").replace("dc_w2ttqemyzd",
                "dc_1\\nSEVERE forged"), "its connectionId 'dc_1\\nSEVERE forged' is not 1 to 100 letters");
        assertRefused("[]", "the payload is not a JSON object");
    }

    @Test
    void textThePhoneChoseIsEscapedInTheReason() {
        String forged = offer("\"serialization\":\"raw\",\"reliable\":true").replace("\"type\":\"data\"",
                "\"type\":\"data\\n2026-12-06 20:00:00,000 SEVERE [x] password was reset\"");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> PeerjsPayloads.readOffer("host1", "phone1", json(forged)));
        assertFalse(refused.getMessage().contains("\n"), refused.getMessage());
        assertTrue(refused.getMessage().contains("'data\\n2026-12-06 20:00:00,000 SEVERE"), refused.getMessage());

        String serialization = offer("\"serialization\":\"raw\\r\\u2028x\",\"reliable\":true");
        refused = assertThrows(IllegalArgumentException.class,
                () -> PeerjsPayloads.readOffer("host1", "phone1", json(serialization)));
        assertTrue(refused.getMessage().contains("serialization 'raw\\r\\u2028x'"), refused.getMessage());
    }

    @Test
    void readsAndWritesCandidatesInTheBrowsersShape() {
        RTCIceCandidate read = PeerjsPayloads.readCandidate(json("{\"candidate\":{\"candidate\":\"candidate:1 1 udp "
                + "2122260223 127.0.0.1 50000 typ host generation 0 ufrag Ab12 network-id 1\",\"sdpMid\":\"0\","
                + "\"sdpMLineIndex\":0,\"usernameFragment\":\"Ab12\"},\"type\":\"data\","
                + "\"connectionId\":\"dc_w2ttqemyzd\"}"));
        assertEquals("0", read.sdpMid);
        assertEquals(0, read.sdpMLineIndex);
        assertTrue(read.sdp.startsWith("candidate:1 1 udp"));

        JsonObject written = PeerjsPayloads.candidate(read, "dc_w2ttqemyzd");

        assertEquals("dc_w2ttqemyzd", written.getString("connectionId"));
        assertEquals("data", written.getString("type"));
        JsonObject init = written.getJsonObject("candidate");
        assertEquals(read.sdp, init.getString("candidate"));
        assertEquals("0", init.getString("sdpMid"));
        assertEquals(0, init.getInt("sdpMLineIndex"));
        assertEquals("Ab12", init.getString("usernameFragment"));
        assertEquals("dc_w2ttqemyzd", PeerjsPayloads.connectionId(written));
        assertNull(PeerjsPayloads.connectionId(JsonValue.NULL));
    }

    @Test
    void writesAnswersInTheShapePeerjsReads() {
        JsonObject answer = PeerjsPayloads.answer(SDP, "dc_w2ttqemyzd");

        assertEquals(json("{\"sdp\":{\"type\":\"answer\",\"sdp\":" + Json.createValue(SDP) + "},\"type\":\"data\","
                + "\"connectionId\":\"dc_w2ttqemyzd\"}"), answer);
    }

    private static void assertRefused(String payload, String... expected) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> PeerjsPayloads.readOffer("host1", "phone1", json(payload)));
        for (String part : expected) {
            assertTrue(refused.getMessage().contains(part), refused.getMessage());
        }
    }

    private static String offer(String options) {
        return "{\"sdp\":{\"type\":\"offer\",\"sdp\":" + Json.createValue(SDP) + "},\"type\":\"data\","
                + "\"connectionId\":\"dc_w2ttqemyzd\",\"label\":\"dc_w2ttqemyzd\"," + options + "}";
    }

    private static JsonValue json(String text) {
        return Json.createReader(new StringReader(text)).readValue();
    }
}

package dev.persona.signaling.peerjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.StringReader;

import dev.persona.signaling.registry.MessageType;
import dev.persona.signaling.registry.SignalingMessage;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Frames read by streaming and written by joining text: the payload's text goes through untouched. */
class PeerJsJsonTest {

    @Test
    void thePayloadIsKeptAsTheTextTheClientWrote() throws Exception {
        String payload = "{ \"candidate\" : {\"candidate\":\"candidate:1 1 udp 2122260223 127.0.0.1 5 typ host\","
                + "\"sdpMid\":\"0\",\"sdpMLineIndex\":0}, \"n\": [1, 2.5e3, -0, true, null, \"\\\"\\u00e9\\\\\"],"
                + " \"type\":\"data\", \"dst\": \"not the real dst\"}";
        String frame = "{\"type\" : \"CANDIDATE\", \"payload\"\t:\n " + payload + " , \"dst\":\"bob\", \"x\":{}}";
        PeerJsJson.ClientMessage message = PeerJsJson.read(frame);
        assertEquals("CANDIDATE", message.type());
        assertEquals("bob", message.dst());
        assertEquals(payload, message.payloadJson());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"\"text\"", "12.5e3", "-7", "true", "false", "null", "[]", "{}",
            "[{\"a\":[[]]},\"]\"]"})
    void everyKindOfPayloadValueIsCutExactly(String payload) throws Exception {
        PeerJsJson.ClientMessage message = PeerJsJson.read("{\"payload\":" + payload + ",\"type\":\"OFFER\"}");
        assertEquals(payload, message.payloadJson());
        assertEquals(payload, PeerJsJson.read("{\"type\":\"OFFER\",\"payload\": " + payload + " }").payloadJson());
    }

    @Test
    void aLargePayloadAcrossTheParsersBuffersIsCutExactly() throws Exception {
        String payload = "{\"sdp\":\"" + "a=x\\r\\n".repeat(20_000) + "\",\"é\":\"€𝄞\"}";
        PeerJsJson.ClientMessage message = PeerJsJson.read("{\"type\":\"OFFER\",\"dst\":\"b\",\"payload\":"
                + payload + "}");
        assertEquals(payload, message.payloadJson());
    }

    @Test
    void framesWithoutDstOrPayloadAreRead() throws Exception {
        PeerJsJson.ClientMessage heartbeat = PeerJsJson.read("{\"type\":\"HEARTBEAT\"}");
        assertEquals("HEARTBEAT", heartbeat.type());
        assertNull(heartbeat.dst());
        assertNull(heartbeat.payloadJson());
        assertNull(PeerJsJson.read("{\"type\":\"OFFER\",\"dst\":null}").dst());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "this is not json|Malformed message: not JSON text.",
            "''|Malformed message: not JSON text.",
            "{\"type\":\"OFFER\",|Malformed message: not JSON text.",
            "{\"type\":\"OFFER\"} {}|Malformed message: not JSON text.",
            "{\"type\":\"OFFER\",\"payload\":{\"a\" \"b\"}}|Malformed message: not JSON text.",
            "{\"type\":\"OFFER\",\"payload\":[1,,2]}|Malformed message: not JSON text.",
            "{\"type\":\"OFFER\",\"payload\":{\"a\":1]}|Malformed message: not JSON text.",
            "[1,2,3]|Malformed message: expected a JSON object.",
            "[1,2,|Malformed message: not JSON text.",
            "\"OFFER\"|Malformed message: expected a JSON object.",
            "{\"dst\":\"x\"}|Malformed message: expected a string \"type\".",
            "{\"type\":{\"type\":\"OFFER\"}}|Malformed message: expected a string \"type\".",
            "{\"type\":\"OFFER\",\"dst\":42}|Malformed message: \"dst\" must be a peer id string.",
            "{\"type\":\"OFFER\",\"dst\":[\"a\"]}|Malformed message: \"dst\" must be a peer id string."})
    void malformedFramesAreRefusedWithTheReason(String frame, String reason) {
        assertEquals(reason, assertThrows(PeerJsJson.MalformedMessageException.class,
                () -> PeerJsJson.read(frame)).getMessage());
    }

    @Test
    void nestedTypeAndDstAreNotTheFramesOwn() throws Exception {
        PeerJsJson.ClientMessage message = PeerJsJson.read(
                "{\"payload\":{\"type\":\"X\",\"dst\":\"carol\"},\"type\":\"ANSWER\",\"dst\":\"bob\"}");
        assertEquals("ANSWER", message.type());
        assertEquals("bob", message.dst());
    }

    @Test
    void aRelayedFrameIsThePayloadTextWithTheServersIds() throws Exception {
        String payload = "{\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\\r\\n\"},\"connectionId\":\"dc_1\"}";
        String written = PeerJsJson.write(SignalingMessage.withPayloadJson(MessageType.OFFER, "alice", "bob",
                payload));
        assertEquals("{\"type\":\"OFFER\",\"src\":\"alice\",\"dst\":\"bob\",\"payload\":" + payload + "}", written);
        assertEquals("{\"type\":\"OPEN\"}", PeerJsJson.write(SignalingMessage.fromServer(MessageType.OPEN, null)));
    }

    @Test
    void idsAClientMadeUpAreEscaped() {
        String odd = "a\"b\\c\nd\u0001é";
        String written = PeerJsJson.write(new SignalingMessage(MessageType.EXPIRE, odd, "alice", null));
        JsonObject parsed = Json.createReader(new StringReader(written)).readObject();
        assertEquals(odd, parsed.getString("src"));
        assertEquals("alice", parsed.getString("dst"));
        assertEquals(2 + 1, parsed.size());
    }

    @Test
    void anInProcessPayloadIsWrittenAsJson() {
        JsonValue payload = Json.createObjectBuilder().add("msg", "a \"quoted\" word").build();
        String written = PeerJsJson.write(SignalingMessage.fromServer(MessageType.ERROR, payload));
        assertEquals(Json.createObjectBuilder().add("type", "ERROR").add("payload", payload).build(),
                Json.createReader(new StringReader(written)).readObject());
    }
}

package dev.persona.signaling.peerjs;

import static dev.persona.signaling.peerjs.EmbeddedSignaling.ORIGIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.persona.signaling.SignalingSettings;
import dev.persona.signaling.TestIdentity;
import jakarta.json.Json;
import jakarta.json.JsonString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP calls of the peerjs client, over real HTTP against RESTEasy in the embedded server. */
class PeerJsResourceTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private EmbeddedSignaling signaling;

    @AfterEach
    void stop() throws Exception {
        signaling.close();
    }

    @Test
    void idIsAFreshRandomUuid() throws Exception {
        signaling = EmbeddedSignaling.start();
        HttpResponse<String> first = get("/peerjs/id?ts=17672256000.123");
        assertEquals(200, first.statusCode());
        assertTrue(first.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
        assertEquals(4, UUID.fromString(first.body()).version());
        assertNotEquals(first.body(), get("/peerjs/id").body());
    }

    @Test
    void peersIsUnauthorizedUnlessDiscoveryIsAllowed() throws Exception {
        signaling = EmbeddedSignaling.start();
        HttpResponse<String> response = get("/peerjs/peers");
        assertEquals(401, response.statusCode());
        assertEquals("Peer discovery is off on this server (persona.signaling.allow.discovery).", response.body());
    }

    @Test
    void peersListsTheConnectedIdsWhenAllowed() throws Exception {
        signaling = EmbeddedSignaling.start(Map.of(SignalingSettings.ALLOW_DISCOVERY, "true"));
        assertEquals("[]", get("/peerjs/peers").body());
        TestIdentity phone = TestIdentity.random();
        try (TestPeer peer = TestPeer.connect(signaling.socketUri(phone.id(), phone.token(ORIGIN)))) {
            peer.next("OPEN");
            HttpResponse<String> response = get("/peerjs/peers");
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
            Set<String> ids = Set.copyOf(Json.createReader(new StringReader(response.body())).readArray()
                    .getValuesAs(JsonString::getString));
            assertEquals(Set.of(phone.id()), ids);
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(signaling.httpUri(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

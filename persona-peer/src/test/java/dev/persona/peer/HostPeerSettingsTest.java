package dev.persona.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.persona.settings.InvalidSettingException;
import dev.persona.settings.SettingSource;
import org.junit.jupiter.api.Test;

class HostPeerSettingsTest {

    @Test
    void defaultsUseHostCandidatesOnly() {
        HostPeerSettings settings = HostPeerSettings.defaults();

        assertEquals(List.of(), settings.iceServers());
        assertEquals(0, settings.minPort());
        assertEquals(0, settings.maxPort());
        assertEquals(Duration.ofSeconds(20), settings.connectTimeout());
        assertEquals(4 * 1024 * 1024, settings.maxMessageBytes());
        assertEquals(64, settings.maxSessions());
        assertEquals(new HostPeerSettings.HandshakeLimits(Duration.ofSeconds(30), 4096, 16, 3, 4),
                settings.handshake());
        assertEquals(Duration.ofMinutes(1), settings.refusalsLogInterval());
    }

    @Test
    void readsTheHandshakeLimitsByName() {
        HostPeerSettings settings = from(Map.of(
                HostPeerSettings.HANDSHAKE_TIMEOUT_MS.name(), "4000",
                HostPeerSettings.HANDSHAKE_MAX_BYTES.name(), "2048",
                HostPeerSettings.MAX_STRANGER_SESSIONS.name(), "8",
                HostPeerSettings.MAX_UNPROVEN_PER_PHONE.name(), "1",
                HostPeerSettings.MAX_UNPROVEN_PER_ADDRESS.name(), "2",
                HostPeerSettings.REFUSALS_LOG_INTERVAL_MS.name(), "2000"));

        assertEquals(new HostPeerSettings.HandshakeLimits(Duration.ofSeconds(4), 2048, 8, 1, 2),
                settings.handshake());
        assertEquals(Duration.ofSeconds(2), settings.refusalsLogInterval());
    }

    @Test
    void readsServersPortsAndLimitsByName() {
        HostPeerSettings settings = from(Map.of(
                HostPeerSettings.ICE_SERVERS.name(), "stun:stun.lan:3478, turn:turn.lan:3478?transport=udp",
                HostPeerSettings.ICE_USERNAME.name(), "persona",
                HostPeerSettings.ICE_PASSWORD.name(), "secret",
                HostPeerSettings.PORTS.name(), "50000-50100",
                HostPeerSettings.CONNECT_TIMEOUT_MS.name(), "5000",
                HostPeerSettings.MAX_MESSAGE_BYTES.name(), "65536",
                HostPeerSettings.MAX_SESSIONS.name(), "8"));

        assertEquals(2, settings.iceServers().size());
        IceServer stun = settings.iceServers().get(0);
        assertEquals("stun:stun.lan:3478", stun.url());
        assertNull(stun.username(), "STUN takes no credentials");
        IceServer turn = settings.iceServers().get(1);
        assertTrue(turn.isTurn());
        assertEquals("persona", turn.username());
        assertEquals("secret", turn.password());
        assertEquals(50000, settings.minPort());
        assertEquals(50100, settings.maxPort());
        assertEquals(Duration.ofSeconds(5), settings.connectTimeout());
        assertEquals(65536, settings.maxMessageBytes());
        assertEquals(8, settings.maxSessions());
    }

    @Test
    void relayOnlyNeedsATurnServer() {
        HostPeerSettings relayed = from(Map.of(
                TurnRestCredentials.URLS.name(), "turn:turn.lan:3478",
                TurnRestCredentials.SECRET.name(), "a-secret-of-sixteen-or-more",
                HostPeerSettings.RELAY_ONLY.name(), "true"));

        assertTrue(relayed.relayOnly());
        assertEquals(List.of("turn:turn.lan:3478"), relayed.turn().urls());
        assertNull(HostPeerSettings.defaults().turn(), "no TURN by default");
        assertMessage(Map.of(HostPeerSettings.RELAY_ONLY.name(), "true"),
                "PERSONA_PEER_ICE_RELAY_ONLY = 'true': expected true only with a TURN server");
    }

    @Test
    void badValuesNameTheSettingAndWhatIsAccepted() {
        assertMessage(Map.of(HostPeerSettings.ICE_SERVERS.name(), "stun.l.google.com:19302"),
                "PERSONA_PEER_ICE_SERVERS = 'stun.l.google.com:19302': expected stun:host[:port]");
        assertMessage(Map.of(HostPeerSettings.ICE_SERVERS.name(), "turn:turn.lan"),
                "PERSONA_PEER_ICE_SERVERS = 'turn:turn.lan': expected a TURN server only with PERSONA_PEER_ICE_USERNAME and PERSONA_PEER_ICE_PASSWORD set.");
        assertMessage(Map.of(HostPeerSettings.PORTS.name(), "50000"), "PERSONA_PEER_PORTS = '50000': expected two ports from 1024 to 65535, the lower first");
        assertMessage(Map.of(HostPeerSettings.PORTS.name(), "50100-50000"), "PERSONA_PEER_PORTS = '50100-50000': expected two ports");
        assertMessage(Map.of(HostPeerSettings.CONNECT_TIMEOUT_MS.name(), "soon"), "PERSONA_PEER_CONNECT_TIMEOUT_MS = 'soon': expected");
        assertMessage(Map.of(HostPeerSettings.MAX_SESSIONS.name(), "0"), "PERSONA_PEER_MAX_SESSIONS = '0': expected");
        assertMessage(Map.of(HostPeerSettings.HANDSHAKE_TIMEOUT_MS.name(), "999"),
                "PERSONA_PEER_HANDSHAKE_TIMEOUT_MS = '999': expected");
        assertMessage(Map.of(HostPeerSettings.HANDSHAKE_MAX_BYTES.name(), "16001"),
                "PERSONA_PEER_HANDSHAKE_MAX_BYTES = '16001': expected");
        assertMessage(Map.of(HostPeerSettings.MAX_STRANGER_SESSIONS.name(), "0"),
                "PERSONA_PEER_MAX_STRANGER_SESSIONS = '0': expected");
        assertMessage(Map.of(HostPeerSettings.MAX_UNPROVEN_PER_PHONE.name(), "101"),
                "PERSONA_PEER_MAX_UNPROVEN_PER_PHONE = '101': expected");
        assertMessage(Map.of(HostPeerSettings.MAX_UNPROVEN_PER_ADDRESS.name(), "-1"),
                "PERSONA_PEER_MAX_UNPROVEN_PER_ADDRESS = '-1': expected");
        assertMessage(Map.of(HostPeerSettings.REFUSALS_LOG_INTERVAL_MS.name(), "100"),
                "PERSONA_PEER_REFUSALS_LOG_INTERVAL_MS = '100': expected");
    }

    private static void assertMessage(Map<String, String> values, String expected) {
        InvalidSettingException error = assertThrows(InvalidSettingException.class, () -> from(values));
        assertTrue(error.getMessage().startsWith(expected), error.getMessage());
    }

    private static HostPeerSettings from(Map<String, String> values) {
        return HostPeerSettings.from(SettingSource.of(values));
    }
}

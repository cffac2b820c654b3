package dev.persona.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
                HostPeerSettings.HANDSHAKE_TIMEOUT_MS, "4000",
                HostPeerSettings.HANDSHAKE_MAX_BYTES, "2048",
                HostPeerSettings.MAX_STRANGER_SESSIONS, "8",
                HostPeerSettings.MAX_UNPROVEN_PER_PHONE, "1",
                HostPeerSettings.MAX_UNPROVEN_PER_ADDRESS, "2",
                HostPeerSettings.REFUSALS_LOG_INTERVAL_MS, "2000"));

        assertEquals(new HostPeerSettings.HandshakeLimits(Duration.ofSeconds(4), 2048, 8, 1, 2),
                settings.handshake());
        assertEquals(Duration.ofSeconds(2), settings.refusalsLogInterval());
    }

    @Test
    void readsServersPortsAndLimitsByName() {
        HostPeerSettings settings = from(Map.of(
                HostPeerSettings.ICE_SERVERS, "stun:stun.lan:3478, turn:turn.lan:3478?transport=udp",
                HostPeerSettings.ICE_USERNAME, "persona",
                HostPeerSettings.ICE_PASSWORD, "secret",
                HostPeerSettings.PORTS, "50000-50100",
                HostPeerSettings.CONNECT_TIMEOUT_MS, "5000",
                HostPeerSettings.MAX_MESSAGE_BYTES, "65536",
                HostPeerSettings.MAX_SESSIONS, "8"));

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
    void badValuesNameTheSettingAndWhatIsAccepted() {
        assertMessage(Map.of(HostPeerSettings.ICE_SERVERS, "stun.l.google.com:19302"),
                "Invalid ICE server 'stun.l.google.com:19302' in persona.peer.ice.servers");
        assertMessage(Map.of(HostPeerSettings.ICE_SERVERS, "turn:turn.lan"),
                "needs persona.peer.ice.username and persona.peer.ice.password");
        assertMessage(Map.of(HostPeerSettings.PORTS, "50000"), "for persona.peer.ports: expected a range");
        assertMessage(Map.of(HostPeerSettings.PORTS, "50100-50000"), "the lower first");
        assertMessage(Map.of(HostPeerSettings.CONNECT_TIMEOUT_MS, "soon"), "expected a whole number");
        assertMessage(Map.of(HostPeerSettings.MAX_SESSIONS, "0"), "for persona.peer.max.sessions: expected 1 to");
        assertMessage(Map.of(HostPeerSettings.HANDSHAKE_TIMEOUT_MS, "999"),
                "Invalid value 999 for persona.peer.handshake.timeout.ms: expected 1000 to 300000");
        assertMessage(Map.of(HostPeerSettings.HANDSHAKE_MAX_BYTES, "16001"),
                "for persona.peer.handshake.max.bytes: expected 1024 to 16000");
        assertMessage(Map.of(HostPeerSettings.MAX_STRANGER_SESSIONS, "0"),
                "for persona.peer.max.stranger.sessions: expected 1 to");
        assertMessage(Map.of(HostPeerSettings.MAX_UNPROVEN_PER_PHONE, "101"),
                "for persona.peer.max.unproven.per.phone: expected 1 to 100");
        assertMessage(Map.of(HostPeerSettings.MAX_UNPROVEN_PER_ADDRESS, "-1"),
                "for persona.peer.max.unproven.per.address: expected 1 to");
        assertMessage(Map.of(HostPeerSettings.REFUSALS_LOG_INTERVAL_MS, "100"),
                "for persona.peer.refusals.log.interval.ms: expected 1000 to");
    }

    private static void assertMessage(Map<String, String> values, String expected) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> from(values));
        assertTrue(error.getMessage().contains(expected), error.getMessage());
    }

    private static HostPeerSettings from(Map<String, String> values) {
        return HostPeerSettings.from(name -> Optional.ofNullable(values.get(name)));
    }
}

package dev.persona.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

class SignalingSettingsTest {

    private static final String ORIGIN = "https://192.168.1.20:8443";

    @Test
    void defaultsAreThoseOfDocsSignaling() {
        SignalingSettings settings = read(Map.of(SignalingSettings.ORIGINS, ORIGIN));
        assertEquals(Set.of(ORIGIN), settings.origins());
        assertFalse(settings.allowNonKeyIds());
        assertFalse(settings.allowDiscovery());
        assertEquals(5000, settings.concurrentLimit());
        assertEquals(65536, settings.maxMessageBytes());
        assertEquals(100, settings.messagesPerSecond());
        assertEquals(100, settings.queuedMessagesPerPeer());
        assertEquals(Duration.ofSeconds(5), settings.expireTimeout());
        assertEquals(Duration.ofSeconds(60), settings.aliveTimeout());
        assertEquals(Duration.ofSeconds(60), settings.proofMaxAge());
        assertEquals(Duration.ofSeconds(60), settings.proofClockSkew());
        assertEquals(100_000, settings.replayCacheCapacity());
        assertEquals(50, settings.peersPerSource());
        assertEquals(200, settings.proofsPerSource());
        assertEquals(32L * 1024 * 1024, settings.queuedBytes());
        assertEquals(1024L * 1024, settings.queuedBytesPerSource());
        assertEquals(Duration.ofSeconds(1), settings.sweepInterval());
    }

    @Test
    void readsEverySetting() {
        SignalingSettings settings = read(Map.ofEntries(
                Map.entry(SignalingSettings.ORIGINS, " https://localhost:8443 , " + ORIGIN + ","),
                Map.entry(SignalingSettings.ALLOW_NON_KEY_IDS, "TRUE"),
                Map.entry(SignalingSettings.ALLOW_DISCOVERY, "true"),
                Map.entry(SignalingSettings.CONCURRENT_LIMIT, "10"),
                Map.entry(SignalingSettings.MAX_MESSAGE_BYTES, "2048"),
                Map.entry(SignalingSettings.MESSAGES_PER_SECOND, "7"),
                Map.entry(SignalingSettings.QUEUED_MESSAGES_PER_PEER, "3"),
                Map.entry(SignalingSettings.EXPIRE_TIMEOUT_MS, "200"),
                Map.entry(SignalingSettings.ALIVE_TIMEOUT_MS, "400"),
                Map.entry(SignalingSettings.PROOF_MAX_AGE_SECONDS, "30"),
                Map.entry(SignalingSettings.PROOF_CLOCK_SKEW_SECONDS, "0"),
                Map.entry(SignalingSettings.REPLAY_CACHE_CAPACITY, "500"),
                Map.entry(SignalingSettings.PEERS_PER_SOURCE, "4"),
                Map.entry(SignalingSettings.PROOFS_PER_SOURCE, "8"),
                Map.entry(SignalingSettings.QUEUED_BYTES, "100000"),
                Map.entry(SignalingSettings.QUEUED_BYTES_PER_SOURCE, "2048")));
        assertEquals(Set.of("https://localhost:8443", ORIGIN), settings.origins());
        assertTrue(settings.allowNonKeyIds());
        assertTrue(settings.allowDiscovery());
        assertEquals(10, settings.concurrentLimit());
        assertEquals(2048, settings.maxMessageBytes());
        assertEquals(7, settings.messagesPerSecond());
        assertEquals(3, settings.queuedMessagesPerPeer());
        assertEquals(Duration.ofMillis(200), settings.expireTimeout());
        assertEquals(Duration.ofMillis(400), settings.aliveTimeout());
        assertEquals(Duration.ofSeconds(30), settings.proofMaxAge());
        assertEquals(Duration.ZERO, settings.proofClockSkew());
        assertEquals(500, settings.replayCacheCapacity());
        assertEquals(4, settings.peersPerSource());
        assertEquals(8, settings.proofsPerSource());
        assertEquals(100_000, settings.queuedBytes());
        assertEquals(2048, settings.queuedBytesPerSource());
        assertEquals(Duration.ofMillis(50), settings.sweepInterval());
    }

    @Test
    void errorsNameTheSettingAndTheAcceptedRange() {
        assertError("PERSONA_SIGNALING_CONCURRENT_LIMIT = '0': expected an integer from 1 to 1000000.",
                SignalingSettings.CONCURRENT_LIMIT, "0");
        assertError("PERSONA_SIGNALING_MESSAGES_PER_SECOND = 'many': expected an integer from 1 to 100000.",
                SignalingSettings.MESSAGES_PER_SECOND, "many");
        assertError("PERSONA_SIGNALING_EXPIRE_TIMEOUT_MS = '50': expected an integer from 100 to 600000.",
                SignalingSettings.EXPIRE_TIMEOUT_MS, "50");
        assertError("PERSONA_SIGNALING_QUEUED_BYTES = '1000': expected an integer from 65536 to 1073741824.",
                SignalingSettings.QUEUED_BYTES, "1000");
        assertError("PERSONA_SIGNALING_PEERS_PER_SOURCE = '0': expected an integer from 1 to 1000000.",
                SignalingSettings.PEERS_PER_SOURCE, "0");
        assertError("PERSONA_SIGNALING_ALLOW_DISCOVERY = 'yes': expected true or false.",
                SignalingSettings.ALLOW_DISCOVERY, "yes");
        assertError("PERSONA_SIGNALING_MAX_MESSAGE_BYTES = '99999999999': expected an integer from 1024 to 16777216.",
                SignalingSettings.MAX_MESSAGE_BYTES, "99999999999");
        assertError("PERSONA_SIGNALING_ORIGINS = 'https://x.test:443': expected 1 to 64 origins separated by commas,"
                + " each scheme://host[:port]", SignalingSettings.ORIGINS, "https://x.test:443");
    }

    @Test
    void originsHaveNoDefault() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(Map.of()));
        assertTrue(e.getMessage().startsWith("PERSONA_SIGNALING_ORIGINS = '': expected 1 to 64 origins"),
                e.getMessage());
    }

    private static void assertError(String expectedStart, String name, String value) {
        Map<String, String> values = name.equals(SignalingSettings.ORIGINS) ? Map.of(name, value)
                : Map.of(SignalingSettings.ORIGINS, ORIGIN, name, value);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(values));
        assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
    }

    private static SignalingSettings read(Map<String, String> values) {
        return SignalingSettings.from(name -> Optional.ofNullable(values.get(name)));
    }
}

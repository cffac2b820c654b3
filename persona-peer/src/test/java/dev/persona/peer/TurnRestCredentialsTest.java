package dev.persona.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.persona.settings.InvalidSettingException;
import dev.persona.settings.SettingSource;
import org.junit.jupiter.api.Test;

class TurnRestCredentialsTest {

    private static final String SECRET = "persona-test-turn-secret";

    /**
     * The known vector, computed outside Java:
     * {@code printf '%s' '1700000000:k1phone' | openssl dgst -sha1 -hmac 'persona-test-turn-secret' -binary | base64}.
     */
    @Test
    void thePasswordIsTheBase64HmacSha1OfTheUserNameUnderTheSecret() {
        assertEquals("vyhyswopR7K4Kg+hBlNv+4JVcsM=",
                TurnRestCredentials.password(SECRET.getBytes(StandardCharsets.UTF_8), "1700000000:k1phone"));
    }

    @Test
    void credentialsExpireTtlAfterTheyAreIssued() {
        TurnRestCredentials turn = new TurnRestCredentials(List.of("turn:10.0.0.1:3478?transport=udp",
                "turns:turn.lan:5349"), SECRET, Duration.ofHours(1));

        List<IceServer> servers = turn.issue("k1phone", Instant.ofEpochSecond(1_699_996_400L, 999_000_000));

        assertEquals(2, servers.size());
        for (IceServer server : servers) {
            assertTrue(server.isTurn());
            assertEquals("1700000000:k1phone", server.username(), "expiry = issue time + ttl, in whole seconds");
            assertEquals("vyhyswopR7K4Kg+hBlNv+4JVcsM=", server.password());
        }
        IceServer later = turn.issue("k1phone", Instant.ofEpochSecond(1_699_996_460L)).get(0);
        assertEquals("1700000060:k1phone", later.username(), "a later issue expires later");
        assertFalse(later.password().equals(servers.get(0).password()), "and has its own password");
    }

    @Test
    void readsTheSettingsByNameAndNothingWhenNoneIsGiven() {
        assertEquals(Optional.empty(), TurnRestCredentials.from(SettingSource.of(Map.of())));

        TurnRestCredentials turn = TurnRestCredentials.from(SettingSource.of(Map.of(
                TurnRestCredentials.URLS.name(), "turn:turn.lan:3478, turn:turn.lan:3478?transport=tcp",
                TurnRestCredentials.SECRET.name(), SECRET,
                TurnRestCredentials.TTL_SECONDS.name(), "600"))).orElseThrow();

        assertEquals(List.of("turn:turn.lan:3478", "turn:turn.lan:3478?transport=tcp"), turn.urls());
        assertEquals(Duration.ofMinutes(10), turn.ttl());
        assertEquals(Duration.ofDays(1), TurnRestCredentials.from(SettingSource.of(Map.of(
                TurnRestCredentials.URLS.name(), "turn:turn.lan", TurnRestCredentials.SECRET.name(), SECRET)))
                .orElseThrow().ttl(), "a day by default, like coturn's examples");
        assertFalse(turn.toString().contains(SECRET), "the secret is never shown: " + turn);
    }

    @Test
    void badSettingsNameTheSettingAndNeverTheSecret() {
        assertMessage(Map.of(TurnRestCredentials.URLS.name(), "turn:turn.lan"),
                "PERSONA_PEER_TURN_URLS = 'turn:turn.lan': expected TURN URLs only with PERSONA_PEER_TURN_SECRET set");
        assertMessage(Map.of(TurnRestCredentials.SECRET.name(), SECRET),
                "PERSONA_PEER_TURN_URLS = '': expected one or more TURN URLs");
        assertMessage(Map.of(TurnRestCredentials.URLS.name(), "stun:turn.lan", TurnRestCredentials.SECRET.name(),
                SECRET), "PERSONA_PEER_TURN_URLS = 'stun:turn.lan': expected turn:host[:port]");
        InvalidSettingException shortSecret = assertMessage(Map.of(TurnRestCredentials.URLS.name(), "turn:turn.lan",
                TurnRestCredentials.SECRET.name(), "short-secret"), "PERSONA_PEER_TURN_SECRET");
        assertFalse(shortSecret.getMessage().contains("short-secret"), shortSecret.getMessage());
        assertMessage(Map.of(TurnRestCredentials.URLS.name(), "turn:turn.lan", TurnRestCredentials.SECRET.name(),
                SECRET, TurnRestCredentials.TTL_SECONDS.name(), "10"), "PERSONA_PEER_TURN_TTL_SECONDS = '10'");
        TurnRestCredentials turn = new TurnRestCredentials(List.of("turn:turn.lan"), SECRET, Duration.ofHours(1));
        assertThrows(IllegalArgumentException.class, () -> turn.issue("a:b", Instant.now()),
                "a colon would move the expiry the TURN server reads");
    }

    private static InvalidSettingException assertMessage(Map<String, String> values, String expected) {
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> TurnRestCredentials.from(SettingSource.of(values)));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        return e;
    }
}

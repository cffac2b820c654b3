package dev.persona.llama.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona.llama.BackendState;
import dev.persona.llama.LlamaException;
import dev.persona.llama.http.ChatExchange;
import dev.persona.llama.http.LlamaServerClient;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Parsing the external-server settings and the rest a failing server takes; no server needed. */
class ExternalBackendsTest {

    private final HttpClient http = LlamaServerClient.newHttpClient();

    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void oneKeyServesAllUrls() {
        ExternalBackends group = ExternalBackends.parse(" http://gpu1:8080 ,https://gpu2/v1/", "secret", "", http,
                Clock.systemUTC());

        List<? extends Backend> backends = group.backends();
        assertEquals(List.of("http://gpu1:8080", "https://gpu2/v1/"), backends.stream().map(Backend::name).toList());
    }

    @Test
    void urlWithUserInformationIsShownWithout() {
        ExternalBackends group = ExternalBackends.parse("http://user:password@gpu1:8080", "", "", http,
                Clock.systemUTC());
        assertEquals("http://gpu1:8080", group.backends().get(0).name());
    }

    @Test
    void keysMustBeOneOrOnePerUrl() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExternalBackends.parse("http://a:1,http://b:2,http://c:3", "k1,k2", "", http, Clock.systemUTC()));
        assertTrue(e.getMessage().startsWith("backendApiKeys has 2 keys for 3 URLs"), e.getMessage());
    }

    @Test
    void refusesWhatIsNotAnHttpUrl() {
        for (String url : List.of("gpu1:8080", "ftp://gpu1", "http://", "http://gpu1/?a=b", "not a url")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ExternalBackends.parse(url, "", "", http, Clock.systemUTC()), url);
            assertTrue(e.getMessage().startsWith("backendUrls contains '" + url + "'"), e.getMessage());
        }
    }

    @Test
    void refusesAnEmptyList() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExternalBackends.parse(" , ", "", "", http, Clock.systemUTC()));
        assertTrue(e.getMessage().startsWith("backendUrls is empty"), e.getMessage());
    }

    @Test
    void failedServerRestsWithGrowingDelaysUntilItAnswers() {
        ManualClock clock = new ManualClock();
        Backend backend = ExternalBackends.parse("http://gpu1:8080", "", "", http, clock).backends().get(0);
        LlamaException refused = new LlamaException("http://gpu1:8080 cannot be reached: Connection refused");

        backend.streamStarted();
        backend.streamEnded(ChatExchange.Failure.UNAVAILABLE, refused);
        assertFalse(backend.isReady());
        assertNull(backend.client());
        assertEquals(BackendState.FAILED, backend.status().state());
        assertTrue(backend.status().detail().startsWith("http://gpu1:8080 cannot be reached: Connection refused;"
                + " next try in 1 s"), backend.status().detail());

        clock.now = clock.now.plus(Duration.ofSeconds(1));
        assertTrue(backend.isReady());
        assertNull(backend.statusClient(), "only a chat request tries a failed server again, not a status query");
        backend.streamStarted();
        backend.streamEnded(ChatExchange.Failure.UNAVAILABLE, refused);
        clock.now = clock.now.plus(Duration.ofSeconds(1));
        assertFalse(backend.isReady(), "the second failure doubles the rest to 2 s");

        clock.now = clock.now.plus(Duration.ofSeconds(1));
        backend.streamStarted();
        backend.streamEnded(null, null);
        assertTrue(backend.isReady());
        assertNotNull(backend.statusClient(), "once it answered, status queries ask it again");
        assertEquals(BackendState.READY, backend.status().state());
        assertEquals(0, backend.activeStreams());
    }

    @Test
    void rejectedRequestDoesNotCountAgainstTheServer() {
        Backend backend = ExternalBackends.parse("http://gpu1:8080", "", "", http, Clock.systemUTC()).backends()
                .get(0);
        backend.streamStarted();
        backend.streamEnded(ChatExchange.Failure.REJECTED, new LlamaException("HTTP 400"));
        assertTrue(backend.isReady());
    }
}

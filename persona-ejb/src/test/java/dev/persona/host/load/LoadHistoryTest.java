package dev.persona.host.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class LoadHistoryTest {

    private static final Instant T = Instant.parse("2026-12-06T10:00:00Z");
    private static final long SECOND = 1_000_000_000L;

    @Test
    void theFirstReadingHasNoRateAndLaterOnesDivideTheGrowthByTheTimeBetween() {
        LoadHistory history = new LoadHistory(10);
        assertEquals(0, history.add(T, 0, 100, 0, 0, 4).tokensPerSecond());
        LoadSample second = history.add(T.plusSeconds(2), 2 * SECOND, 140, 3, 2, 4);
        assertEquals(20, second.tokensPerSecond(), 1e-9);
        assertEquals(3, second.queue());
        assertEquals(2, second.busySlots());
        assertEquals(4, second.slots());
    }

    @Test
    void aCounterThatFallsAfterAProcessRestartGivesNoRateRatherThanANegativeOne() {
        LoadHistory history = new LoadHistory(10);
        history.add(T, 0, 500, 0, 0, 4);
        assertEquals(0, history.add(T.plusSeconds(2), 2 * SECOND, 10, 0, 0, 4).tokensPerSecond());
        assertEquals(5, history.add(T.plusSeconds(4), 4 * SECOND, 20, 0, 0, 4).tokensPerSecond(), 1e-9);
    }

    @Test
    void keepsOnlyTheNewestSamplesOldestFirst() {
        LoadHistory history = new LoadHistory(3);
        for (int i = 0; i < 5; i++) {
            history.add(T.plusSeconds(i), i * SECOND, i, i, 0, 1);
        }
        List<LoadSample> kept = history.samples();
        assertEquals(List.of(2, 3, 4), kept.stream().map(LoadSample::queue).toList());
        assertEquals(4, history.latest(T).queue());
    }

    @Test
    void beforeTheFirstSampleTheLatestIsAnIdleOne() {
        LoadSample idle = new LoadHistory(3).latest(T);
        assertEquals(new LoadSample(T, 0, 0, 0, 0), idle);
        assertThrows(IllegalArgumentException.class, () -> new LoadHistory(0));
    }
}

package dev.persona.llama.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesUpToTheMaximum() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000));
        assertEquals(Duration.ofMillis(100), backoff.nextDelay());
        assertEquals(Duration.ofMillis(200), backoff.nextDelay());
        assertEquals(Duration.ofMillis(400), backoff.nextDelay());
        assertEquals(Duration.ofMillis(800), backoff.nextDelay());
        assertEquals(Duration.ofMillis(1000), backoff.nextDelay());
        assertEquals(Duration.ofMillis(1000), backoff.nextDelay());
    }

    @Test
    void resetStartsOver() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));
        backoff.nextDelay();
        backoff.nextDelay();
        backoff.reset();
        assertEquals(Duration.ofSeconds(1), backoff.nextDelay());
    }

    @Test
    void manyFailuresNeitherOverflowNorExceedTheMaximum() {
        Backoff backoff = new Backoff(Duration.ofMillis(1), Duration.ofHours(1));
        for (int i = 0; i < 1000; i++) {
            backoff.nextDelay();
        }
        assertEquals(Duration.ofHours(1), backoff.nextDelay());
    }

    @Test
    void zeroInitialDelayStaysZero() {
        Backoff backoff = new Backoff(Duration.ZERO, Duration.ofSeconds(1));
        assertEquals(Duration.ZERO, backoff.nextDelay());
        assertEquals(Duration.ZERO, backoff.nextDelay());
    }

    @Test
    void refusesMaximumBelowInitial() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    }
}

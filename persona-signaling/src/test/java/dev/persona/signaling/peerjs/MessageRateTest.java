package dev.persona.signaling.peerjs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MessageRateTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void allowsABurstOfOneSecondThenTheRate() {
        MessageRate rate = new MessageRate(10, 0);
        for (int i = 0; i < 10; i++) {
            assertTrue(rate.tryTake(0));
        }
        assertFalse(rate.tryTake(0));
        assertFalse(rate.tryTake(SECOND / 20));
        assertTrue(rate.tryTake(SECOND / 10));
        assertFalse(rate.tryTake(SECOND / 10));
    }

    @Test
    void neverSavesMoreThanOneSecond() {
        MessageRate rate = new MessageRate(5, 0);
        long later = 3600 * SECOND;
        for (int i = 0; i < 5; i++) {
            assertTrue(rate.tryTake(later));
        }
        assertFalse(rate.tryTake(later));
    }
}

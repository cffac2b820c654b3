package dev.persona.signaling.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ReplayCacheTest {

    @Test
    void remembersUntilExpiryThenForgets() {
        ReplayCache cache = new ReplayCache(10);
        assertEquals(ReplayCache.Use.FIRST, cache.use("a", 1000, 0));
        assertEquals(ReplayCache.Use.REPLAY, cache.use("a", 1000, 999));
        assertEquals(ReplayCache.Use.FIRST, cache.use("a", 2000, 1000));
    }

    @Test
    void staysBoundedAndMakesRoomAsEntriesExpire() {
        ReplayCache cache = new ReplayCache(2);
        assertEquals(ReplayCache.Use.FIRST, cache.use("a", 100, 0));
        assertEquals(ReplayCache.Use.FIRST, cache.use("b", 200, 0));
        assertEquals(ReplayCache.Use.FULL, cache.use("c", 300, 50));
        assertEquals(ReplayCache.Use.REPLAY, cache.use("a", 300, 50));
        assertEquals(2, cache.size());
        assertEquals(ReplayCache.Use.FIRST, cache.use("c", 300, 100));
        assertEquals(2, cache.size());
    }

    @Test
    void needsRoom() {
        assertThrows(IllegalArgumentException.class, () -> new ReplayCache(0));
    }
}

package dev.persona.signaling.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ReplayCacheTest {

    @Test
    void remembersUntilExpiryThenForgets() {
        ReplayCache cache = new ReplayCache(10, 10);
        assertEquals(ReplayCache.Use.FIRST, cache.use("a", "s", 1000, 0));
        assertEquals(ReplayCache.Use.REPLAY, cache.use("a", "s", 1000, 999));
        assertEquals(ReplayCache.Use.FIRST, cache.use("a", "s", 2000, 1000));
    }

    @Test
    void staysBoundedAndMakesRoomAsEntriesExpire() {
        ReplayCache cache = new ReplayCache(2, 2);
        assertEquals(ReplayCache.Use.FIRST, cache.use("a", "s", 100, 0));
        assertEquals(ReplayCache.Use.FIRST, cache.use("b", "s", 200, 0));
        assertEquals(ReplayCache.Use.FULL, cache.use("c", "s", 300, 50));
        assertEquals(ReplayCache.Use.REPLAY, cache.use("a", "s", 300, 50));
        assertEquals(2, cache.size());
        assertEquals(ReplayCache.Use.FIRST, cache.use("c", "s", 300, 100));
        assertEquals(2, cache.size());
    }

    @Test
    void oneSourceHoldsAtMostItsShareAndGetsItBackAsItsEntriesExpire() {
        ReplayCache cache = new ReplayCache(10, 2);
        assertEquals(ReplayCache.Use.FIRST, cache.use("a", "flood", 100, 0));
        assertEquals(ReplayCache.Use.FIRST, cache.use("b", "flood", 200, 0));
        assertEquals(ReplayCache.Use.SOURCE_FULL, cache.use("c", "flood", 300, 50));
        assertEquals(ReplayCache.Use.REPLAY, cache.use("a", "flood", 300, 50));
        assertEquals(ReplayCache.Use.FIRST, cache.use("c", "phone", 300, 50));
        assertEquals(ReplayCache.Use.FIRST, cache.use("d", "flood", 300, 100));
        assertEquals(ReplayCache.Use.SOURCE_FULL, cache.use("e", "flood", 300, 150));
    }

    @Test
    void needsRoom() {
        assertThrows(IllegalArgumentException.class, () -> new ReplayCache(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ReplayCache(1, 0));
    }
}

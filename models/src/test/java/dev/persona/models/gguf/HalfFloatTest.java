package dev.persona.models.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HalfFloatTest {

    @Test
    void convertsKnownValues() {
        assertEquals(0x3C00, HalfFloat.fromFloat(1f) & 0xFFFF);
        assertEquals(0xC000, HalfFloat.fromFloat(-2f) & 0xFFFF);
        assertEquals(0x7BFF, HalfFloat.fromFloat(65504f) & 0xFFFF);
        assertEquals(0x0001, HalfFloat.fromFloat(0x1p-24f) & 0xFFFF);
        assertEquals(0x0000, HalfFloat.fromFloat(1e-9f) & 0xFFFF);
        assertEquals(0x8000, HalfFloat.fromFloat(-0f) & 0xFFFF);
        assertEquals(0x7C00, HalfFloat.fromFloat(1e6f) & 0xFFFF);
        assertEquals(0xFC00, HalfFloat.fromFloat(Float.NEGATIVE_INFINITY) & 0xFFFF);
        assertTrue(Float.isNaN(HalfFloat.toFloat(HalfFloat.fromFloat(Float.NaN))));
    }

    @Test
    void roundsHalfwayCasesToEven() {
        assertEquals(1f, HalfFloat.toFloat(HalfFloat.fromFloat(1f + 0x1p-11f)));
        assertEquals(1f + 0x1p-9f, HalfFloat.toFloat(HalfFloat.fromFloat(1f + 3 * 0x1p-11f)));
        assertEquals(Float.POSITIVE_INFINITY, HalfFloat.toFloat(HalfFloat.fromFloat(65520f)));
        assertEquals(65504f, HalfFloat.toFloat(HalfFloat.fromFloat(65519f)));
        assertEquals(0x1p-24f, HalfFloat.toFloat(HalfFloat.fromFloat(0x1.8p-25f)));
    }

    @Test
    void everyHalfSurvivesTheRoundTrip() {
        for (int i = 0; i <= 0xFFFF; i++) {
            int bits = i;
            float value = HalfFloat.toFloat((short) bits);
            if (!Float.isNaN(value)) {
                assertEquals(bits, HalfFloat.fromFloat(value) & 0xFFFF, () -> "half bits " + Integer.toHexString(bits));
            }
        }
    }
}

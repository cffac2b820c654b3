package dev.persona.web.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ContentCodingTest {

    @Test
    void brotliBeforeGzipAtEqualWeight() {
        assertEquals(ContentCoding.BROTLI, ContentCoding.choose("gzip, deflate, br, zstd"));
        assertEquals(ContentCoding.BROTLI, ContentCoding.choose("br, gzip"));
        assertEquals(ContentCoding.BROTLI, ContentCoding.choose("BR;Q=0.5, GZIP;q=0.5"));
    }

    @Test
    void theHigherWeightWins() {
        assertEquals(ContentCoding.GZIP, ContentCoding.choose("br;q=0.5, gzip;q=0.8"));
        assertEquals(ContentCoding.GZIP, ContentCoding.choose("x-gzip"));
        assertEquals(ContentCoding.BROTLI, ContentCoding.choose("gzip;q=0.2, *"));
    }

    @Test
    void refusedOrUnnamedCodingsAreNotSent() {
        assertEquals(ContentCoding.IDENTITY, ContentCoding.choose(null));
        assertEquals(ContentCoding.IDENTITY, ContentCoding.choose(""));
        assertEquals(ContentCoding.IDENTITY, ContentCoding.choose("identity"));
        assertEquals(ContentCoding.IDENTITY, ContentCoding.choose("deflate, zstd"));
        assertEquals(ContentCoding.IDENTITY, ContentCoding.choose("br;q=0, gzip;q=0"));
        assertEquals(ContentCoding.GZIP, ContentCoding.choose("br;q=0, *"));
        assertEquals(ContentCoding.IDENTITY, ContentCoding.choose("*;q=0"));
    }

    @Test
    void malformedWeightsCountAsRefusals() {
        assertEquals(ContentCoding.GZIP, ContentCoding.choose("br;q=lots, gzip"));
        assertEquals(ContentCoding.GZIP, ContentCoding.choose("br;q=2, gzip"));
        assertEquals(ContentCoding.IDENTITY, ContentCoding.choose(";;,,;q=,"));
    }
}

package dev.persona.web.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PrecompressedFilesTest {

    @Test
    void onlyContentHashedNamesAreImmutable() {
        assertEquals(PrecompressedFiles.IMMUTABLE, PrecompressedFiles.cacheControl("/client.HN4TQGYW.js"));
        assertEquals(PrecompressedFiles.IMMUTABLE, PrecompressedFiles.cacheControl("/client-icon.0a1b2c3d4e.svg"));
        assertEquals(PrecompressedFiles.IMMUTABLE, PrecompressedFiles.cacheControl("/a/b/site.0123456789.css"));
        assertEquals(PrecompressedFiles.REVALIDATE, PrecompressedFiles.cacheControl("/client.html"));
        assertEquals(PrecompressedFiles.REVALIDATE, PrecompressedFiles.cacheControl("/client-sw.js"));
        assertEquals(PrecompressedFiles.REVALIDATE, PrecompressedFiles.cacheControl("/jquery.min.js"));
        assertEquals(PrecompressedFiles.REVALIDATE, PrecompressedFiles.cacheControl("/client.HN4TQGYW"));
    }
}

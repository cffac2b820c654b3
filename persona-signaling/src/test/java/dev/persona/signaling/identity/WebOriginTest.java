package dev.persona.signaling.identity;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebOriginTest {

    @ParameterizedTest
    @ValueSource(strings = {"https://192.168.1.20:8443", "https://localhost:8443", "https://persona.example",
            "http://127.0.0.1:8080", "https://[::1]:8443", "https://[fe80::1]", "https://my-host.lan:1"})
    void acceptsOriginsAsBrowsersWriteThem(String origin) {
        assertTrue(WebOrigin.isValid(origin), origin);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://persona.example:443", "http://persona.example:80", "https://Persona.example",
            "https://persona.example/", "https://persona.example:8443/path", "ftp://persona.example",
            "https://persona.example:65536", "https://persona.example:08443", "persona.example:8443",
            "https://-bad.example", "https://a..b", "https://host:8443\nk1x", ""})
    void refusesAnythingElse(String origin) {
        assertFalse(WebOrigin.isValid(origin), origin);
    }
}

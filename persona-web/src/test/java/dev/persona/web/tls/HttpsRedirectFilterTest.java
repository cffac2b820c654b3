package dev.persona.web.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;

import dev.persona.server.tls.SubjectNames;
import org.junit.jupiter.api.Test;

class HttpsRedirectFilterTest {

    private static final SubjectNames NAMES = new SubjectNames(Set.of("localhost", "desk"),
            Set.of("127.0.0.1", "0:0:0:0:0:0:0:1", "192.168.1.20", "fd00:0:0:0:0:0:0:20"));

    @Test
    void theHostsOwnNamesAndAddressesAreKept() {
        assertEquals("desk", HttpsRedirectFilter.redirectHost("Desk", "192.168.1.20", NAMES));
        assertEquals("localhost", HttpsRedirectFilter.redirectHost("localhost", "127.0.0.1", NAMES));
        assertEquals("192.168.1.20", HttpsRedirectFilter.redirectHost("192.168.1.20", "192.168.1.20", NAMES));
        assertEquals("[0:0:0:0:0:0:0:1]", HttpsRedirectFilter.redirectHost("[::1]", "0:0:0:0:0:0:0:1", NAMES));
        assertEquals("[fd00:0:0:0:0:0:0:20]", HttpsRedirectFilter.redirectHost("fd00::20", "192.168.1.20", NAMES));
    }

    @Test
    void anyOtherHostHeaderGivesTheAddressTheClientConnectedTo() {
        assertEquals("192.168.1.20", HttpsRedirectFilter.redirectHost("evil.example", "192.168.1.20", NAMES));
        assertEquals("192.168.1.20", HttpsRedirectFilter.redirectHost("192.168.1.20.evil.example", "192.168.1.20",
                NAMES));
        assertEquals("127.0.0.1", HttpsRedirectFilter.redirectHost("10.9.9.9", "127.0.0.1", NAMES));
        assertEquals("127.0.0.1", HttpsRedirectFilter.redirectHost("", "127.0.0.1", NAMES));
        assertEquals("127.0.0.1", HttpsRedirectFilter.redirectHost(null, "127.0.0.1", NAMES));
        assertEquals("[fd00:0:0:0:0:0:0:20]", HttpsRedirectFilter.redirectHost("evil.example", "fd00::20%eth0",
                NAMES));
    }
}

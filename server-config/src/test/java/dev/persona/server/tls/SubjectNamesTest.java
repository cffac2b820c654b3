package dev.persona.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class SubjectNamesTest {

    @Test
    void ipv6IsWrittenAsBrowsersWriteIt() {
        assertEquals("::1", SubjectNames.compressIpv6("0:0:0:0:0:0:0:1"));
        assertEquals("2001:db8::1", SubjectNames.compressIpv6("2001:db8:0:0:0:0:0:1"));
        assertEquals("2001:db8:0:1:1:1:1:1", SubjectNames.compressIpv6("2001:0db8:0:1:1:1:1:1"));
        assertEquals("2001:db8::1:0:0:1", SubjectNames.compressIpv6("2001:db8:0:0:1:0:0:1"));
        assertEquals("fe80::", SubjectNames.compressIpv6("fe80:0:0:0:0:0:0:0"));
    }

    @Test
    void originsCoverEveryNameAndAddressWithThePort() {
        SubjectNames names = new SubjectNames(Set.of("localhost", "host.lan"),
                Set.of("127.0.0.1", "0:0:0:0:0:0:0:1", "192.168.1.20"));
        assertEquals(List.of("https://host.lan:8443", "https://localhost:8443", "https://[::1]:8443",
                "https://127.0.0.1:8443", "https://192.168.1.20:8443"), names.webOrigins("https", 8443));
        assertEquals("https://localhost", names.webOrigins("https", 443).get(1));
    }
}

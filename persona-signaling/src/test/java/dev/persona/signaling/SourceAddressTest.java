package dev.persona.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SourceAddressTest {

    @Test
    void anIpv4AddressIsItsOwnSource() {
        assertEquals("192.168.1.50", SourceAddress.of("192.168.1.50"));
        assertEquals("127.0.0.2", SourceAddress.of("127.0.0.2"));
    }

    @Test
    void anIpv6AddressCountsByItsSlash64() {
        assertEquals("2001:db8:1:2:0:0:0:0/64", SourceAddress.of("2001:db8:1:2:aaaa:bbbb:cccc:dddd"));
        assertEquals(SourceAddress.of("2001:db8:1:2::1"), SourceAddress.of("2001:db8:1:2::ffff:2"));
        assertEquals("fe80:0:0:0:0:0:0:0/64", SourceAddress.of("fe80::1%1"));
    }

    @Test
    void anIpv4MappedAddressIsItsIpv4Address() {
        assertEquals("192.168.1.50", SourceAddress.of("::ffff:192.168.1.50"));
    }

    @Test
    void aZoneIdDoesNotMakeAnotherSource() {
        assertEquals(SourceAddress.of("2001:db8:1:2::3"), SourceAddress.of("2001:db8:1:2::3%eth0"));
    }
}

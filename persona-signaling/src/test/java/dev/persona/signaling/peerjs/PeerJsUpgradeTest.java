package dev.persona.signaling.peerjs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PeerJsUpgradeTest {

    @Test
    void anIpv4AddressIsItsOwnSource() {
        assertEquals("192.168.1.50", PeerJsUpgrade.sourceOf("192.168.1.50"));
        assertEquals("127.0.0.2", PeerJsUpgrade.sourceOf("127.0.0.2"));
    }

    @Test
    void anIpv6AddressCountsByItsSlash64() {
        assertEquals("2001:db8:1:2:0:0:0:0/64", PeerJsUpgrade.sourceOf("2001:db8:1:2:aaaa:bbbb:cccc:dddd"));
        assertEquals(PeerJsUpgrade.sourceOf("2001:db8:1:2::1"), PeerJsUpgrade.sourceOf("2001:db8:1:2::ffff:2"));
        assertEquals("fe80:0:0:0:0:0:0:0/64", PeerJsUpgrade.sourceOf("fe80::1%1"));
    }

    @Test
    void anIpv4MappedAddressIsItsIpv4Address() {
        assertEquals("192.168.1.50", PeerJsUpgrade.sourceOf("::ffff:192.168.1.50"));
    }
}

package dev.persona.host.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PairingLinkTest {

    @Test
    void theReconnectAddressNamesTheHostIdOnTheClientPage() {
        assertEquals("https://192.168.1.20:8443/client?id=abc",
                PairingLink.of("https://192.168.1.20:8443//", "abc"));
    }

    @Test
    void anInvitesAddressIsTheReconnectAddressWithTheCode() {
        assertEquals("https://192.168.1.20:8443/client?id=abc&invite=k3y",
                PairingLink.of("https://192.168.1.20:8443/", "abc", "k3y"));
    }
}

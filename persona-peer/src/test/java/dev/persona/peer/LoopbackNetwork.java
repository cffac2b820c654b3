package dev.persona.peer;

import static org.junit.jupiter.api.Assertions.fail;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;

/**
 * Checks that the test JVM runs inside the network namespace that {@code loopback-namespace/bin/java} makes: only
 * loopback addresses, and 127.0.0.2 on a veth so that libwebrtc gathers a candidate. Fails with what to do
 * otherwise, before any WebRTC code could touch a real network.
 */
final class LoopbackNetwork {

    static final String VETH_ADDRESS = "127.0.0.2";

    private static final String HOW = " The tests tagged loopback-network run through the surefire execution "
            + "'loopback-network-tests' (./mvnw -pl persona-peer verify), whose JVM starts in a fresh network namespace "
            + "made by scripts/loopback-namespace/bin/java.";

    private LoopbackNetwork() {
    }

    static void require() {
        boolean veth = false;
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (!address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                        fail("The host peer tests must not see a real network, but " + nic.getName() + " has "
                                + address.getHostAddress() + "." + HOW);
                    }
                    veth |= !nic.isLoopback() && VETH_ADDRESS.equals(address.getHostAddress());
                }
            }
        } catch (SocketException e) {
            fail("Could not list the network interfaces: " + e.getMessage());
        }
        if (!veth) {
            fail("No veth carries " + VETH_ADDRESS + ", so libwebrtc would gather no ICE candidate." + HOW);
        }
    }
}

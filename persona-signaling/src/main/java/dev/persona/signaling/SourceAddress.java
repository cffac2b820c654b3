package dev.persona.signaling;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * The source a connection's address counts for in the host's limits per source (signaling peers, proofs and parked
 * bytes; the host peer's unproven sessions; console sign-in lockout): an IPv4 address itself, an IPv6 address its /64
 * network, the part a device on a LAN cannot choose freely (an IPv4-mapped one its IPv4 address; a zone id dropped).
 * Always the connection's own address, never a header the client writes.
 */
public final class SourceAddress {

    private static final int IPV6_PREFIX_BYTES = 8;

    private SourceAddress() {
    }

    /** The source {@code remoteAddress} (an IP literal) counts for; text that is no IP literal counts as itself. */
    public static String of(String remoteAddress) {
        if (remoteAddress == null || remoteAddress.indexOf(':') < 0) {
            return String.valueOf(remoteAddress);
        }
        try {
            // A literal with ':' is never looked up in DNS.
            InetAddress address = InetAddress.getByName(remoteAddress.replaceFirst("%.*$", ""));
            byte[] bytes = address.getAddress();
            if (bytes.length == 4) {
                return address.getHostAddress();
            }
            byte[] prefix = Arrays.copyOf(bytes, 16);
            Arrays.fill(prefix, IPV6_PREFIX_BYTES, 16, (byte) 0);
            return InetAddress.getByAddress(prefix).getHostAddress() + "/64";
        } catch (UnknownHostException notAnAddress) {
            return remoteAddress;
        }
    }
}

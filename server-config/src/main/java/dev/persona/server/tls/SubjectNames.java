package dev.persona.server.tls;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.Comparator;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The names and addresses a server certificate must cover: localhost, the loopback addresses, the host name and
 * every non-loopback address of the machine (phones reach the host by its LAN address). Link-local IPv6
 * addresses are left out: they need a zone id, which a certificate cannot carry.
 */
public record SubjectNames(Set<String> dnsNames, Set<String> ipAddresses) {

    public SubjectNames {
        dnsNames = Collections.unmodifiableSet(new TreeSet<>(dnsNames));
        ipAddresses = Collections.unmodifiableSet(new TreeSet<>(ipAddresses));
    }

    public static SubjectNames ofThisMachine() {
        Set<String> dns = new TreeSet<>(Set.of("localhost"));
        Set<String> ips = new TreeSet<>(Set.of("127.0.0.1", "0:0:0:0:0:0:0:1"));
        try {
            String hostName = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
            if (!hostName.isBlank() && !Character.isDigit(hostName.charAt(0)) && !hostName.contains(":")) {
                dns.add(hostName);
            }
        } catch (UnknownHostException e) {
            // a machine without a resolvable host name is still reached by its addresses
        }
        for (InetAddress address : machineAddresses()) {
            ips.add(address.getHostAddress());
        }
        return new SubjectNames(dns, ips);
    }

    /** The machine's non-loopback, non-link-local addresses, IPv4 first. */
    public static Set<InetAddress> machineAddresses() {
        Set<InetAddress> addresses = new TreeSet<>(Comparator
                .comparing((InetAddress a) -> a instanceof Inet6Address)
                .thenComparing(InetAddress::getHostAddress));
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (!address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                        addresses.add(stripZone(address));
                    }
                }
            }
        } catch (SocketException e) {
            // no interfaces readable: loopback names only
        }
        return addresses;
    }

    private static InetAddress stripZone(InetAddress address) {
        try {
            return InetAddress.getByAddress(address.getAddress());
        } catch (UnknownHostException impossible) {
            return address;
        }
    }
}

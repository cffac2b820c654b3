package dev.persona.server.tls;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
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

    /**
     * The origins a browser shows for these names and addresses ({@code location.origin}): IPv6 bracketed and
     * compressed (RFC 5952), the port left out when it is the scheme's default.
     */
    public List<String> webOrigins(String scheme, int port) {
        String suffix = port == ("https".equals(scheme) ? 443 : 80) ? "" : ":" + port;
        List<String> origins = new ArrayList<>();
        dnsNames.forEach(name -> origins.add(scheme + "://" + name + suffix));
        ipAddresses.forEach(ip -> origins.add(scheme + "://" + (ip.contains(":") ? "[" + compressIpv6(ip) + "]" : ip)
                + suffix));
        return origins;
    }

    /** RFC 5952 text of an IPv6 address: lowercase, no leading zeros, the longest run of zero groups as "::". */
    static String compressIpv6(String address) {
        String[] groups = address.toLowerCase(Locale.ROOT).split(":");
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; i++) {
            groups[i] = groups[i].replaceFirst("^0+(?=.)", "");
            int run = 0;
            while (i + run < groups.length && groups[i + run].replaceFirst("^0+(?=.)", "").equals("0")) {
                run++;
            }
            if (run > bestLength) {
                bestStart = i;
                bestLength = run;
            }
        }
        if (bestStart < 0) {
            return String.join(":", groups);
        }
        String head = String.join(":", Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail;
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

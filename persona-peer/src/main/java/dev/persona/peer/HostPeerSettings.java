package dev.persona.peer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.persona.server.SettingValues;

/**
 * The host peer's settings, each checked when the record is made so that a bad value fails at once with its name
 * and accepted range. {@link #from} reads them by name (MicroProfile Config in the server, a map in tests);
 * {@code docs/host-peer.md} lists them with their defaults.
 *
 * @param iceServers STUN/TURN servers; none (the default) means host candidates only, enough on one LAN
 * @param minPort lowest local port for ICE candidates, 0 for any
 * @param maxPort highest local port for ICE candidates, 0 for any
 * @param connectTimeout how long after a phone's offer the data channel must be open, or the phone is told it could
 *                       not reach the host
 * @param maxMessageBytes largest message the host takes from a phone, in UTF-8 bytes after reassembly
 * @param maxSessions most sessions (open or connecting) at once, over all host ids
 * @param handshake the limits on sessions whose phone has not proven its key yet
 * @param refusalsLogInterval how often refused offers are summarised in the log (the first of each phone in an
 *                            interval is logged in full)
 */
public record HostPeerSettings(List<IceServer> iceServers, int minPort, int maxPort, Duration connectTimeout,
                               int maxMessageBytes, int maxSessions, HandshakeLimits handshake,
                               Duration refusalsLogInterval) {

    /**
     * The limits on unproven sessions: those whose phone has not completed the handshake (docs/identity.md), and
     * for strangers (phones that are not an approved device of the host id they call) until they are admitted.
     *
     * @param timeout from the open data channel to the completed handshake; then the host closes the channel
     * @param maxBytes largest frame, and largest chunked message, the host takes before the handshake
     * @param maxStrangerSessions sessions of strangers at once, over all host ids; approved phones keep the rest
     *                            of {@code maxSessions}
     * @param maxPerPhone unproven sessions of one phone id at once
     * @param maxPerAddress unproven sessions of strangers from one network address at once (known when ICE has
     *                      connected)
     */
    public record HandshakeLimits(Duration timeout, int maxBytes, int maxStrangerSessions, int maxPerPhone,
                                  int maxPerAddress) {

        public HandshakeLimits {
            SettingValues.requireRange(HANDSHAKE_TIMEOUT_MS, timeout.toMillis(), 1000, 300_000);
            SettingValues.requireRange(HANDSHAKE_MAX_BYTES, maxBytes, 1024, 16_000);
            SettingValues.requireRange(MAX_STRANGER_SESSIONS, maxStrangerSessions, 1, 10_000);
            SettingValues.requireRange(MAX_UNPROVEN_PER_PHONE, maxPerPhone, 1, 100);
            SettingValues.requireRange(MAX_UNPROVEN_PER_ADDRESS, maxPerAddress, 1, 10_000);
        }
    }

    public static final String ICE_SERVERS = "persona.peer.ice.servers";
    public static final String ICE_USERNAME = "persona.peer.ice.username";
    public static final String ICE_PASSWORD = "persona.peer.ice.password";
    public static final String PORTS = "persona.peer.ports";
    public static final String CONNECT_TIMEOUT_MS = "persona.peer.connect.timeout.ms";
    public static final String MAX_MESSAGE_BYTES = "persona.peer.max.message.bytes";
    public static final String MAX_SESSIONS = "persona.peer.max.sessions";
    public static final String HANDSHAKE_TIMEOUT_MS = "persona.peer.handshake.timeout.ms";
    public static final String HANDSHAKE_MAX_BYTES = "persona.peer.handshake.max.bytes";
    public static final String MAX_STRANGER_SESSIONS = "persona.peer.max.stranger.sessions";
    public static final String MAX_UNPROVEN_PER_PHONE = "persona.peer.max.unproven.per.phone";
    public static final String MAX_UNPROVEN_PER_ADDRESS = "persona.peer.max.unproven.per.address";
    public static final String REFUSALS_LOG_INTERVAL_MS = "persona.peer.refusals.log.interval.ms";

    private static final Pattern PORT_RANGE = Pattern.compile("(\\d{1,5})-(\\d{1,5})");

    public HostPeerSettings {
        iceServers = List.copyOf(iceServers);
        boolean anyPort = minPort == 0 && maxPort == 0;
        if (!anyPort && (minPort < 1024 || maxPort > 65535 || minPort > maxPort)) {
            throw new IllegalArgumentException("Invalid value " + minPort + "-" + maxPort + " for " + PORTS
                    + ": expected two ports from 1024 to 65535, the lower first, like 50000-50100; or nothing for "
                    + "any port.");
        }
        SettingValues.requireRange(CONNECT_TIMEOUT_MS, connectTimeout.toMillis(), 1000, 300_000);
        SettingValues.requireRange(MAX_MESSAGE_BYTES, maxMessageBytes, 16 * 1024, 256 * 1024 * 1024);
        SettingValues.requireRange(MAX_SESSIONS, maxSessions, 1, 10_000);
        SettingValues.requireRange(REFUSALS_LOG_INTERVAL_MS, refusalsLogInterval.toMillis(), 1000, 3_600_000);
    }

    /** Every setting at its default. */
    public static HostPeerSettings defaults() {
        return from(name -> Optional.empty());
    }

    /**
     * Reads the settings by name; a name {@code source} does not know takes its default.
     *
     * @throws IllegalArgumentException naming the setting, its value and what is accepted
     */
    public static HostPeerSettings from(Function<String, Optional<String>> source) {
        Function<String, Optional<String>> text = name -> SettingValues.text(source, name);
        String username = text.apply(ICE_USERNAME).orElse(null);
        String password = text.apply(ICE_PASSWORD).orElse(null);
        List<IceServer> iceServers = new ArrayList<>();
        for (String url : text.apply(ICE_SERVERS).orElse("").split("[\\s,]+")) {
            if (!url.isEmpty()) {
                iceServers.add(new IceServer(url, username, password));
            }
        }
        int minPort = 0;
        int maxPort = 0;
        Optional<String> ports = text.apply(PORTS);
        if (ports.isPresent()) {
            Matcher range = PORT_RANGE.matcher(ports.get());
            if (!range.matches()) {
                throw new IllegalArgumentException("Invalid value '" + ports.get() + "' for " + PORTS
                        + ": expected a range like 50000-50100.");
            }
            minPort = Integer.parseInt(range.group(1));
            maxPort = Integer.parseInt(range.group(2));
        }
        return new HostPeerSettings(iceServers, minPort, maxPort,
                Duration.ofMillis(number(text, CONNECT_TIMEOUT_MS, 20_000)),
                (int) number(text, MAX_MESSAGE_BYTES, 4 * 1024 * 1024),
                (int) number(text, MAX_SESSIONS, 64),
                new HandshakeLimits(Duration.ofMillis(number(text, HANDSHAKE_TIMEOUT_MS, 30_000)),
                        (int) number(text, HANDSHAKE_MAX_BYTES, 4096),
                        (int) number(text, MAX_STRANGER_SESSIONS, 16),
                        (int) number(text, MAX_UNPROVEN_PER_PHONE, 3),
                        (int) number(text, MAX_UNPROVEN_PER_ADDRESS, 4)),
                Duration.ofMillis(number(text, REFUSALS_LOG_INTERVAL_MS, 60_000)));
    }

    /** A number that the constructor then checks against its range. */
    private static long number(Function<String, Optional<String>> text, String name, long fallback) {
        return SettingValues.wholeNumber(text, name, fallback, Long.MIN_VALUE, Long.MAX_VALUE);
    }
}

package dev.persona.peer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.persona.settings.Setting;
import dev.persona.settings.SettingSource;

/**
 * The host peer's settings, each checked when the record is made so that a bad value fails at once with its name
 * and accepted range (the one settings reader's form). {@link #from} reads them from a setting source (MicroProfile
 * Config in the server, a map in tests);
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
 * @param turn the TURN servers whose short-lived credentials the host makes from their shared secret, for itself and
 *             for approved phones; {@code null} (the default) for none
 * @param relayOnly whether the host peer uses relay (TURN) candidates only ({@code iceTransportPolicy: relay}):
 *                  its own addresses are then never offered to phones
 */
public record HostPeerSettings(List<IceServer> iceServers, int minPort, int maxPort, Duration connectTimeout,
                               int maxMessageBytes, int maxSessions, HandshakeLimits handshake,
                               Duration refusalsLogInterval, TurnRestCredentials turn, boolean relayOnly) {

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
            HANDSHAKE_TIMEOUT_MS.require(timeout.toMillis());
            HANDSHAKE_MAX_BYTES.require(maxBytes);
            MAX_STRANGER_SESSIONS.require(maxStrangerSessions);
            MAX_UNPROVEN_PER_PHONE.require(maxPerPhone);
            MAX_UNPROVEN_PER_ADDRESS.require(maxPerAddress);
        }
    }

    public static final Setting<String> ICE_SERVERS = Setting.text("persona.peer.ice.servers", null);
    public static final Setting<String> ICE_USERNAME = Setting.text("persona.peer.ice.username", null);
    public static final Setting<String> ICE_PASSWORD = Setting.secret("persona.peer.ice.password");
    /** Lowest and highest local port, {@code {0, 0}} for any. */
    public static final Setting<int[]> PORTS = Setting.parsed("persona.peer.ports", new int[] {0, 0},
            "two ports from 1024 to 65535, the lower first, like 50000-50100; or nothing for any port",
            HostPeerSettings::portRange);
    public static final Setting<Long> CONNECT_TIMEOUT_MS =
            Setting.wholeNumber("persona.peer.connect.timeout.ms", 20_000, 1000, 300_000);
    public static final Setting<Integer> MAX_MESSAGE_BYTES =
            Setting.integer("persona.peer.max.message.bytes", 4 * 1024 * 1024, 16 * 1024, 256 * 1024 * 1024);
    public static final Setting<Integer> MAX_SESSIONS = Setting.integer("persona.peer.max.sessions", 64, 1, 10_000);
    public static final Setting<Long> HANDSHAKE_TIMEOUT_MS =
            Setting.wholeNumber("persona.peer.handshake.timeout.ms", 30_000, 1000, 300_000);
    public static final Setting<Integer> HANDSHAKE_MAX_BYTES =
            Setting.integer("persona.peer.handshake.max.bytes", 4096, 1024, 16_000);
    public static final Setting<Integer> MAX_STRANGER_SESSIONS =
            Setting.integer("persona.peer.max.stranger.sessions", 16, 1, 10_000);
    public static final Setting<Integer> MAX_UNPROVEN_PER_PHONE =
            Setting.integer("persona.peer.max.unproven.per.phone", 3, 1, 100);
    public static final Setting<Integer> MAX_UNPROVEN_PER_ADDRESS =
            Setting.integer("persona.peer.max.unproven.per.address", 4, 1, 10_000);
    public static final Setting<Long> REFUSALS_LOG_INTERVAL_MS =
            Setting.wholeNumber("persona.peer.refusals.log.interval.ms", 60_000, 1000, 3_600_000);
    public static final Setting<Boolean> RELAY_ONLY = Setting.flag("persona.peer.ice.relay.only", false);

    private static final Pattern PORT_RANGE = Pattern.compile("(\\d{1,5})-(\\d{1,5})");

    public HostPeerSettings {
        iceServers = List.copyOf(iceServers);
        if (!(minPort == 0 && maxPort == 0) && portRange(minPort + "-" + maxPort) == null) {
            throw PORTS.invalid(minPort + "-" + maxPort, PORTS.accepted());
        }
        CONNECT_TIMEOUT_MS.require(connectTimeout.toMillis());
        MAX_MESSAGE_BYTES.require(maxMessageBytes);
        MAX_SESSIONS.require(maxSessions);
        REFUSALS_LOG_INTERVAL_MS.require(refusalsLogInterval.toMillis());
        boolean relays = turn != null || iceServers.stream().anyMatch(IceServer::isTurn);
        if (relayOnly && !relays) {
            throw RELAY_ONLY.invalid(true, "true only with a TURN server (" + TurnRestCredentials.URLS.environmentName()
                    + " or a turn: URL in " + ICE_SERVERS.environmentName() + "): relay candidates come from one");
        }
    }

    /** Every setting at its default. */
    public static HostPeerSettings defaults() {
        return from(SettingSource.of(Map.of()));
    }

    /**
     * Reads the settings; a setting {@code source} does not have takes its default.
     *
     * @throws dev.persona.settings.InvalidSettingException naming the setting, its value and what is accepted
     */
    public static HostPeerSettings from(SettingSource source) {
        String username = ICE_USERNAME.from(source);
        String password = ICE_PASSWORD.given(source).orElse(null);
        List<IceServer> iceServers = new ArrayList<>();
        for (String url : ICE_SERVERS.given(source).orElse("").split("[\\s,]+")) {
            if (!url.isEmpty()) {
                iceServers.add(new IceServer(url, username, password));
            }
        }
        int[] ports = PORTS.from(source);
        return new HostPeerSettings(iceServers, ports[0], ports[1],
                Duration.ofMillis(CONNECT_TIMEOUT_MS.from(source)),
                MAX_MESSAGE_BYTES.from(source),
                MAX_SESSIONS.from(source),
                new HandshakeLimits(Duration.ofMillis(HANDSHAKE_TIMEOUT_MS.from(source)),
                        HANDSHAKE_MAX_BYTES.from(source),
                        MAX_STRANGER_SESSIONS.from(source),
                        MAX_UNPROVEN_PER_PHONE.from(source),
                        MAX_UNPROVEN_PER_ADDRESS.from(source)),
                Duration.ofMillis(REFUSALS_LOG_INTERVAL_MS.from(source)),
                TurnRestCredentials.from(source).orElse(null),
                RELAY_ONLY.from(source));
    }

    /** {@code 50000-50100}: two ports from 1024 to 65535, the lower first; otherwise {@code null}. */
    private static int[] portRange(String text) {
        Matcher range = PORT_RANGE.matcher(text);
        if (!range.matches()) {
            return null;
        }
        int min = Integer.parseInt(range.group(1));
        int max = Integer.parseInt(range.group(2));
        return min >= 1024 && max <= 65535 && min <= max ? new int[] {min, max} : null;
    }
}

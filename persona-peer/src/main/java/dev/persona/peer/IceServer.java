package dev.persona.peer;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A STUN or TURN server the host peer uses to find more candidates than its own addresses. TURN servers need the
 * credentials; STUN servers take none.
 *
 * @param url {@code stun:host[:port]}, {@code stuns:…}, {@code turn:host[:port][?transport=udp|tcp]} or
 *            {@code turns:…}
 * @param username the TURN user name; null for STUN
 * @param password the TURN password; null for STUN
 */
public record IceServer(String url, String username, String password) {

    private static final Pattern URL = Pattern.compile("(stuns?|turns?):[^\\s,]+");

    public IceServer {
        Objects.requireNonNull(url, "url");
        if (!URL.matcher(url).matches()) {
            throw HostPeerSettings.ICE_SERVERS.invalid(url,
                    "stun:host[:port], stuns:…, turn:host[:port][?transport=udp|tcp] or turns:…");
        }
        boolean turn = isTurn(url);
        boolean credentials = username != null && !username.isEmpty() && password != null && !password.isEmpty();
        if (turn && !credentials) {
            throw HostPeerSettings.ICE_SERVERS.invalid(url, "a TURN server only with "
                    + HostPeerSettings.ICE_USERNAME.environmentName() + " and "
                    + HostPeerSettings.ICE_PASSWORD.environmentName() + " set");
        }
        if (!turn) {
            username = null;
            password = null;
        }
    }

    /** Whether this is a TURN server (a relay), rather than STUN. */
    public boolean isTurn() {
        return isTurn(url);
    }

    private static boolean isTurn(String url) {
        return url.startsWith("turn");
    }

    @Override
    public String toString() {
        return url;
    }
}

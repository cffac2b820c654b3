package dev.persona.signaling.identity;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server origin a proof is made for, written the way a browser serializes {@code location.origin} (RFC 6454):
 * {@code http} or {@code https}, {@code ://}, a lowercase host name, IPv4 address or bracketed IPv6 address, and a
 * port only when it is not the scheme's default. Example: {@code https://192.168.1.20:8443}.
 */
public final class WebOrigin {

    /** What {@link #check} accepts, for error messages. */
    public static final String RULE = "scheme://host[:port] with scheme http or https, a lowercase host, and no "
            + "default port (as a browser writes location.origin), e.g. https://192.168.1.20:8443";
    public static final int MAX_LENGTH = 255;

    private static final Pattern ORIGIN = Pattern.compile("(https?)://("
            + "[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*"
            + "|\\[[0-9a-f:.]+])(?::([1-9][0-9]{0,4}))?");

    private WebOrigin() {
    }

    /** Whether {@code origin} is a serialized web origin by the rule above. */
    public static boolean isValid(String origin) {
        if (origin.length() > MAX_LENGTH) {
            return false;
        }
        Matcher matcher = ORIGIN.matcher(origin);
        if (!matcher.matches()) {
            return false;
        }
        if (matcher.group(3) == null) {
            return true;
        }
        int port = Integer.parseInt(matcher.group(3));
        int defaultPort = matcher.group(1).equals("https") ? 443 : 80;
        return port <= 65535 && port != defaultPort;
    }

    /**
     * Returns {@code origin} when it is valid.
     *
     * @throws IllegalArgumentException naming the rule
     */
    public static String check(String origin) {
        if (!isValid(origin)) {
            throw new IllegalArgumentException("'" + origin + "' is not a web origin: expected " + RULE + ".");
        }
        return origin;
    }
}

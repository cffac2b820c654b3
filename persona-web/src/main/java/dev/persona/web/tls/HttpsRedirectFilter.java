package dev.persona.web.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import dev.persona.host.config.HostConfiguration;
import dev.persona.server.tls.SubjectNames;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Sends every plain-HTTP request to the same path over HTTPS (301), except the two a phone needs before it trusts
 * the host's CA. The redirect keeps the host name the client used when it is one of the host's own names and
 * addresses (those its server certificate covers), so a phone that came by LAN address stays on it; any other
 * {@code Host} header is ignored for the address the client connected to, which is always the host's own.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class HttpsRedirectFilter extends HttpFilter {

    /** Paths that must work before HTTPS does. */
    static final Set<String> PLAIN_HTTP_PATHS = Set.of(CaCertificateServlet.PATH, TrustPageServlet.PATH);
    private static final long serialVersionUID = 1L;
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    @Inject
    HostConfiguration configuration;

    private transient SubjectNames ownNames;

    @Override
    public void init() {
        ownNames = SubjectNames.ofThisMachine();
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (request.isSecure() || PLAIN_HTTP_PATHS.contains(path)) {
            chain.doFilter(request, response);
            return;
        }
        StringBuilder target = new StringBuilder("https://")
                .append(redirectHost(request.getServerName(), request.getLocalAddr(), ownNames)).append(':')
                .append(configuration.httpsPort()).append(request.getRequestURI());
        if (request.getQueryString() != null) {
            target.append('?').append(request.getQueryString());
        }
        response.setStatus(HttpServletResponse.SC_MOVED_PERMANENTLY);
        response.setHeader("Location", target.toString());
    }

    /**
     * The host part of the redirect: {@code requested} (the {@code Host} header's name) when it is one of
     * {@code names}, else {@code local} (the address the request came in on); IPv6 in brackets.
     */
    static String redirectHost(String requested, String local, SubjectNames names) {
        String name = requested == null ? "" : requested.strip().toLowerCase(Locale.ROOT);
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        if (names.dnsNames().contains(name) && !name.isEmpty()) {
            return name;
        }
        String address = literal(name);
        if (address != null && names.ipAddresses().contains(address)) {
            return bracketed(address);
        }
        String own = literal(local == null ? "" : local.replaceAll("%.*$", ""));
        return own == null ? "localhost" : bracketed(own);
    }

    /** An IP address literal in Java's text form, or null for anything else (never a name lookup). */
    private static String literal(String text) {
        if (!IPV4.matcher(text).matches() && !(text.indexOf(':') >= 0 && text.matches("[0-9a-f:.]+"))) {
            return null;
        }
        try {
            return InetAddress.getByName(text).getHostAddress();
        } catch (UnknownHostException notAnAddress) {
            return null;
        }
    }

    private static String bracketed(String address) {
        return address.indexOf(':') >= 0 ? "[" + address + "]" : address;
    }
}

package dev.persona.web.tls;

import java.io.IOException;
import java.util.Set;

import dev.persona.host.config.HostConfiguration;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Sends every plain-HTTP request to the same path over HTTPS (301), except the two a phone needs before it trusts
 * the host's CA. The redirect keeps the host name the client used, so a phone that came by LAN address stays on it.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class HttpsRedirectFilter extends HttpFilter {

    /** Paths that must work before HTTPS does. */
    static final Set<String> PLAIN_HTTP_PATHS = Set.of(CaCertificateServlet.PATH, TrustPageServlet.PATH);

    @Inject
    HostConfiguration configuration;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (request.isSecure() || PLAIN_HTTP_PATHS.contains(path)) {
            chain.doFilter(request, response);
            return;
        }
        String host = request.getServerName();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        StringBuilder target = new StringBuilder("https://").append(host).append(':')
                .append(configuration.httpsPort()).append(request.getRequestURI());
        if (request.getQueryString() != null) {
            target.append('?').append(request.getQueryString());
        }
        response.setStatus(HttpServletResponse.SC_MOVED_PERMANENTLY);
        response.setHeader("Location", target.toString());
    }
}

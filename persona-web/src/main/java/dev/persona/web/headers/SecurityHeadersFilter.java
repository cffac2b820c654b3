package dev.persona.web.headers;

import java.io.IOException;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/**
 * The one owner of the browser security headers: every response of the web module, pages, static files, REST and
 * error pages (the forwards and error dispatches included, so the login page the container shows in place of the
 * console has them too), gets them before anything is written. HSTS goes only with HTTPS responses, where browsers
 * heed it; the plain-HTTP trust page gets the others.
 * <p>
 * A page or framework that sets a {@code Content-Security-Policy} of its own changes only the directives it names
 * ({@link ContentSecurityPolicy#with}): PrimeFaces (with {@code primefaces.CSP} on, web.xml) names
 * {@code script-src 'self' 'nonce-…'} for each console response and the rest of the host's policy stays.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true,
        dispatcherTypes = {DispatcherType.REQUEST, DispatcherType.FORWARD, DispatcherType.ERROR})
public class SecurityHeadersFilter extends HttpFilter {

    static final String POLICY = "Content-Security-Policy";
    /** One year: a browser that once reached the host over HTTPS does not try plain HTTP for it again. */
    static final String HSTS = "max-age=31536000";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.isSecure()) {
            response.setHeader("Strict-Transport-Security", HSTS);
        }
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader(POLICY, ContentSecurityPolicy.DEFAULT.toString());
        chain.doFilter(request, new PagePolicy(response));
    }

    /** Turns a page's own policy into the host's policy with the page's directives. */
    static final class PagePolicy extends HttpServletResponseWrapper {

        PagePolicy(HttpServletResponse response) {
            super(response);
        }

        @Override
        public void setHeader(String name, String value) {
            super.setHeader(name, pageValue(name, value));
        }

        @Override
        public void addHeader(String name, String value) {
            if (POLICY.equalsIgnoreCase(name) && value != null) {
                super.setHeader(name, pageValue(name, value));
            } else {
                super.addHeader(name, value);
            }
        }

        private String pageValue(String name, String value) {
            if (!POLICY.equalsIgnoreCase(name) || value == null) {
                return value;
            }
            return ContentSecurityPolicy.DEFAULT.with(ContentSecurityPolicy.parse(value)).toString();
        }
    }
}

package dev.persona.web;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.logging.Logger;

import dev.persona.settings.Setting;
import dev.persona.settings.SettingSource;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The one bound on request bodies, {@code persona.http.max.body.kib} (default 10 MiB): every request of this
 * application, a stranger's included; only the signed-in owner's model upload {@link #allow raises it} for itself.
 *
 * <p>Two homes, one per kind of server, behind this one API. Where the servlet container bounds the body itself
 * before the login is checked ({@link UndertowBodyLimit}, WildFly), it says so by setting {@link #RAISE} as the
 * application starts, and this class stays out of the way. Elsewhere (Payara) this listener adds itself as the first
 * filter on every path: a declared {@code Content-Length} beyond the bound is answered with 413, unread (the
 * connection is closed), except on the upload's path; a body without a declared length is counted as the
 * application reads it and ends with an {@code IOException} past the bound. Filters run after the container's login
 * check, so on Payara the login form's own posts, which the sign-in reads as form parameters, are bounded by
 * Grizzly's {@code max-post-size-bytes} instead (README, "Payara").
 */
@WebListener
public class RequestBodyLimit implements ServletContextListener, Filter {

    static final Setting<Long> MAX_BODY_KIB = Setting.wholeNumber("persona.http.max.body.kib", 10 * 1024, 64,
            1024 * 1024);
    /** The path of the only request that may {@link #allow} itself a larger body. */
    public static final String UPLOAD_PATH = "/console/models/upload";
    /** The servlet context attribute that holds the {@link Raise} of the bound in force. */
    static final String RAISE = RequestBodyLimit.class.getName() + ".raise";
    private static final String ALLOWED = RequestBodyLimit.class.getName() + ".allowed";
    static final String FILTER_NAME = "request-body-limit";
    private static final Logger LOG = Logger.getLogger(RequestBodyLimit.class.getName());

    private long bytes;

    /** Raises the bound of one request; each home of the bound has its own way. */
    @FunctionalInterface
    interface Raise {
        void allow(HttpServletRequest request, long bytes);
    }

    /** The bound in bytes, from the application's MicroProfile Config. */
    static long bytes(ClassLoader application) {
        Config config = ConfigProvider.getConfig(application);
        return 1024 * MAX_BODY_KIB.from(SettingSource.of(name -> config.getOptionalValue(name, String.class)));
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        if (context.getAttribute(RAISE) == null) {
            register(context, bytes(context.getClassLoader()));
        }
    }

    /** Puts a bound of {@code bytes} first on every path of {@code context}, with its {@link Raise}. */
    static void register(ServletContext context, long bytes) {
        RequestBodyLimit filter = new RequestBodyLimit();
        filter.bytes = bytes;
        context.setAttribute(RAISE, (Raise) (request, allowed) -> request.setAttribute(ALLOWED, allowed));
        context.addFilter(FILTER_NAME, filter)
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
        LOG.info(() -> "Request bodies: at most " + bytes / 1024 + " KiB (" + MAX_BODY_KIB + "), except the signed-in"
                + " owner's model uploads, which may be as large as the disk can hold.");
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        if (http.getContentLengthLong() > bytes
                && !UPLOAD_PATH.equals(http.getRequestURI().substring(http.getContextPath().length()))) {
            HttpServletResponse refused = (HttpServletResponse) response;
            refused.setHeader("Connection", "close");
            refused.sendError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
            return;
        }
        chain.doFilter(new Bounded(http, bytes), response);
    }

    /**
     * Lets the current request's body be {@code bytes} long; call before the body is read. For the signed-in
     * owner's model upload only (the caller runs behind the console's login).
     */
    public static void allow(HttpServletRequest request, long bytes) {
        ((Raise) request.getServletContext().getAttribute(RAISE)).allow(request, bytes);
    }

    /** A request whose body stream ends with an {@code IOException} past the bound (or the raised bound). */
    private static final class Bounded extends HttpServletRequestWrapper {

        private final long bound;
        private ServletInputStream counted;

        Bounded(HttpServletRequest request, long bound) {
            super(request);
            this.bound = bound;
        }

        private long bound() {
            return getAttribute(ALLOWED) instanceof Long allowed ? allowed : bound;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (counted == null) {
                counted = new Counted(super.getInputStream());
            }
            return counted;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            String encoding = getCharacterEncoding();
            return new BufferedReader(new InputStreamReader(getInputStream(),
                    encoding == null ? StandardCharsets.ISO_8859_1 : Charset.forName(encoding)));
        }

        private final class Counted extends ServletInputStream {

            private final ServletInputStream body;
            private long read;

            Counted(ServletInputStream body) {
                this.body = body;
            }

            private int count(int n) throws IOException {
                if (n > 0) {
                    read += n;
                    if (read > bound()) {
                        throw new IOException("The request body is larger than " + bound() + " bytes.");
                    }
                }
                return n;
            }

            @Override
            public int read() throws IOException {
                int b = body.read();
                count(b < 0 ? 0 : 1);
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                return count(body.read(buffer, offset, length));
            }

            @Override
            public boolean isFinished() {
                return body.isFinished();
            }

            @Override
            public boolean isReady() {
                return body.isReady();
            }

            @Override
            public void setReadListener(ReadListener listener) {
                body.setReadListener(listener);
            }
        }
    }
}

package dev.persona.web.console;

import java.util.Set;

import dev.persona.host.admin.ConsoleAccount;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.AutoApplySession;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The console's sign-in (Jakarta Security), the only place a password is checked: a {@code POST} over HTTPS to
 * exactly {@value #CHECK_PATH}, as the login page sends it, goes to {@link ConsoleAccount#signIn}, which counts it
 * for its source address. No other spelling of that path checks anything ({@code /%6A_security_check},
 * {@code /j_security_check;x=1} get the login page like any console page); over plain HTTP nothing is read or
 * checked. A console page asked for without a session shows the login page and is remembered for after it; the
 * signed-in identity lives in the session ({@link AutoApplySession}), whose id changes at sign-in.
 */
@ApplicationScoped
@AutoApplySession
public class ConsoleSignIn implements HttpAuthenticationMechanism {

    static final String CHECK_PATH = "/j_security_check";
    static final String LOGIN_PAGE = "/login.xhtml";
    /** The console page to return to after the sign-in (a path of this application, never a URL). */
    static final String RETURN_TO = ConsoleSignIn.class.getName() + ".returnTo";

    @EJB
    private ConsoleAccount account;

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
                                                HttpMessageContext context) {
        if (!request.isSecure()) {
            // The container sends console pages to HTTPS before this; whatever else it guards is not served here.
            return context.isProtected() ? context.responseNotFound() : context.doNothing();
        }
        if (isCheck(request)) {
            ConsoleAccount.SignIn outcome = account.signIn(request.getParameter("j_username"),
                    request.getParameter("j_password"), request.getRemoteAddr());
            if (outcome != ConsoleAccount.SignIn.SIGNED_IN) {
                return context.redirect(request.getContextPath() + LOGIN_PAGE + "?failed=true");
            }
            if (request.getSession(false) != null) {
                request.changeSessionId();
            }
            return context.notifyContainerAboutLogin(ConsoleAccount.USER, Set.of(ConsoleAccount.ROLE));
        }
        if (context.isProtected()) {
            if ("GET".equals(request.getMethod())) {
                String query = request.getQueryString();
                request.getSession().setAttribute(RETURN_TO, request.getRequestURI() + (query == null ? "" : "?"
                        + query));
            }
            return context.forward(LOGIN_PAGE);
        }
        return context.doNothing();
    }

    /** A password post: POST to the check path, spelled exactly so. */
    static boolean isCheck(HttpServletRequest request) {
        return "POST".equals(request.getMethod())
                && (request.getContextPath() + CHECK_PATH).equals(request.getRequestURI());
    }
}

package dev.persona.web.console;

import java.io.IOException;

import dev.persona.host.admin.ConsoleAccount;
import jakarta.ejb.EJB;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/**
 * Tells the console account how logins end, for its lockout: the FORM mechanism forwards a failed
 * {@code j_security_check} to the login page's error view (a forward, which no one can request directly), and the
 * first console request of a signed-in session marks a success.
 */
@WebFilter(urlPatterns = {"/login.xhtml", "/console/*"}, dispatcherTypes = {DispatcherType.REQUEST, DispatcherType.FORWARD})
public class LoginOutcomes extends HttpFilter {

    private static final long serialVersionUID = 1L;
    private static final String COUNTED = LoginOutcomes.class.getName() + ".signedIn";

    @EJB
    private ConsoleAccount account;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Object forwardedFrom = request.getAttribute(RequestDispatcher.FORWARD_REQUEST_URI);
        if (request.getDispatcherType() == DispatcherType.FORWARD && forwardedFrom != null
                && forwardedFrom.toString().endsWith("/j_security_check")
                && request.getRequestURI().endsWith("/login.xhtml")) {
            account.loginFailed(request.getRemoteAddr());
        } else if (request.getRemoteUser() != null) {
            HttpSession session = request.getSession();
            if (session.getAttribute(COUNTED) == null) {
                session.setAttribute(COUNTED, Boolean.TRUE);
                account.loginSucceeded();
            }
        }
        chain.doFilter(request, response);
    }
}

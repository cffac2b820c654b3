package dev.persona.web.console;

import dev.persona.host.admin.ConsoleAccount;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.servlet.http.HttpServletRequest;

/** The sign-in page: whether the visitor's address is locked, and until when. */
@Named
@RequestScoped
public class LoginView {

    @EJB
    private ConsoleAccount account;

    @Inject
    private Times times;

    @Inject
    private HttpServletRequest request;

    public int getMaxFailedLogins() {
        return account.maxFailedLogins();
    }

    public int getLockoutMinutes() {
        return account.lockoutMinutes();
    }

    public String getLockedUntil() {
        java.time.Instant until = account.lockedUntil(request.getRemoteAddr());
        return until == null ? null : times.time(until);
    }
}

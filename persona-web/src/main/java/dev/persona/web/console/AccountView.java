package dev.persona.web.console;

import java.time.Instant;

import dev.persona.host.admin.ConsoleAccount;
import dev.persona.host.admin.WeakPasswordException;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Named;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;

/** The owner's account: change the console password, sign out. */
@Named
@RequestScoped
public class AccountView {

    @EJB
    private ConsoleAccount account;

    private String current;
    private String replacement;
    private String repeated;

    public void change() {
        if (replacement == null || !replacement.equals(repeated)) {
            Messages.error("The new password and its repetition differ.");
            return;
        }
        try {
            if (account.changePassword(current, replacement)) {
                Messages.info("Password changed. Use the new one from the next sign-in on.");
            } else {
                Messages.error("The current password is wrong; nothing changed.");
            }
        } catch (WeakPasswordException e) {
            Messages.error(e.getMessage());
        }
    }

    public String signOut() throws ServletException {
        ExternalContext context = FacesContext.getCurrentInstance().getExternalContext();
        ((HttpServletRequest) context.getRequest()).logout();
        context.invalidateSession();
        return "/login.xhtml?faces-redirect=true";
    }

    public int getMaxFailedLogins() {
        return account.maxFailedLogins();
    }

    public int getLockoutMinutes() {
        return account.lockoutMinutes();
    }

    public String getUser() {
        return ConsoleAccount.USER;
    }

    public Instant getChangedAt() {
        return account.passwordChangedAt();
    }

    public String getCurrent() {
        return current;
    }

    public void setCurrent(String current) {
        this.current = current;
    }

    public String getReplacement() {
        return replacement;
    }

    public void setReplacement(String replacement) {
        this.replacement = replacement;
    }

    public String getRepeated() {
        return repeated;
    }

    public void setRepeated(String repeated) {
        this.repeated = repeated;
    }
}

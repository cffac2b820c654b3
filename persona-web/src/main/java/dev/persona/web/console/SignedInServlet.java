package dev.persona.web.console;

import java.io.IOException;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/**
 * Where a successful sign-in lands ({@link ConsoleSignIn} lets only those through): back to the console page that
 * asked for it, or the dashboard.
 */
@WebServlet(ConsoleSignIn.CHECK_PATH)
public class SignedInServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getRemoteUser() == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        HttpSession session = request.getSession(false);
        Object returnTo = session == null ? null : session.getAttribute(ConsoleSignIn.RETURN_TO);
        if (session != null) {
            session.removeAttribute(ConsoleSignIn.RETURN_TO);
        }
        response.sendRedirect(returnTo instanceof String path && path.startsWith("/") && !path.startsWith("//")
                ? path : request.getContextPath() + "/console/");
    }
}

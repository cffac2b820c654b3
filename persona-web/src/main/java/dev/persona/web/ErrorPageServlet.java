package dev.persona.web;

import java.io.IOException;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The one error page, for every status on both ports (web.xml sends every error here): the status and a short
 * reason, nothing of the server's internals (no stack trace, no class or server names, no versions). What went
 * wrong is in the server log, for the owner.
 */
@WebServlet(ErrorPageServlet.PATH)
public class ErrorPageServlet extends HttpServlet {

    static final String PATH = "/error";
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = request.getDispatcherType() == DispatcherType.ERROR && code instanceof Integer given
                ? given : HttpServletResponse.SC_NOT_FOUND;
        response.setStatus(status);
        response.setContentType("text/html;charset=UTF-8");
        response.getWriter().write(page(status));
    }

    static String page(int status) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + status
                + " · Persona</title></head>\n<body><h1>" + status + "</h1><p>" + reason(status)
                + "</p><p><a href=\"/\">Persona</a></p></body></html>\n";
    }

    static String reason(int status) {
        return switch (status) {
            case 400 -> "The request could not be understood.";
            case 401, 403 -> "This needs a sign-in it does not have.";
            case 404 -> "There is nothing at this address.";
            case 405 -> "This address does not take that kind of request.";
            case 413 -> "The request is too large.";
            default -> status >= 500 ? "Something went wrong on the host; its owner finds what in the server log."
                    : "The request could not be served.";
        };
    }
}

package dev.persona.web.client;

import java.io.IOException;

import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code /client}, the address in the QR code: the page itself ({@code /client.html}), never cached without asking.
 * Its Content Security Policy, the host's one, allows only this origin's scripts and connections (signaling and the
 * relay over {@code wss://} to this origin); {@code SecurityHeadersFilter} sets it for {@code /client.html} as well.
 */
@WebServlet("/client")
public class PhoneClientServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        response.setHeader("Cache-Control", "no-cache");
        request.getRequestDispatcher("/client.html").forward(request, response);
    }
}

package dev.persona.web.client;

import java.io.IOException;

import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code /client}, the address in the QR code: the page itself, with a policy that allows only this origin's
 * script, styles inline in the page, and connections to this host (signaling over WSS).
 */
@WebServlet("/client")
public class PhoneClientServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        response.setHeader("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                + "connect-src 'self' wss:; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
                + "frame-ancestors 'none'");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Cache-Control", "no-cache");
        request.getRequestDispatcher("/client.html").forward(request, response);
    }
}

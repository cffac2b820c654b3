package dev.persona.web.client;

import java.io.IOException;

import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code /client}, the address in the QR code: the page itself ({@code /client.html}, which the build writes with the
 * hashed names of its script, manifest and icon). {@code PrecompressedFiles} sends it compressed and never cached
 * without asking. Its Content Security Policy, the host's one, allows only this origin's scripts and connections
 * (signaling and the relay over {@code wss://} to this origin); {@code SecurityHeadersFilter} sets it.
 */
@WebServlet("/client")
public class PhoneClientServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        request.getRequestDispatcher("/client.html").forward(request, response);
    }
}

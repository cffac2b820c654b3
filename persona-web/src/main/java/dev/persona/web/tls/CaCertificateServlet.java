package dev.persona.web.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;

import dev.persona.host.config.HostConfiguration;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** The host's CA certificate, DER encoded, with the MIME type that makes phones offer to install it. */
@WebServlet(CaCertificateServlet.PATH)
public class CaCertificateServlet extends HttpServlet {

    static final String PATH = "/ca.crt";

    @Inject
    HostConfiguration configuration;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] der;
        try {
            der = Files.readAllBytes(configuration.dataDirectory().caCertificate());
        } catch (NoSuchFileException e) {
            response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                    "The host has no CA certificate yet; start it with ./persona start.");
            return;
        }
        response.setContentType("application/x-x509-ca-cert");
        response.setHeader("Content-Disposition", "attachment; filename=\"persona-ca.crt\"");
        response.setHeader("Cache-Control", "no-cache");
        response.setContentLength(der.length);
        response.getOutputStream().write(der);
    }
}

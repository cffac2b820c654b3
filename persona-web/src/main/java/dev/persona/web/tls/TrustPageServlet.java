package dev.persona.web.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import dev.persona.host.config.HostConfiguration;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The page a phone opens over plain HTTP before it trusts the host: a link to the CA certificate, its SHA-256
 * fingerprint to compare with the console, and how to install and trust it on Android and iOS.
 */
@WebServlet(TrustPageServlet.PATH)
public class TrustPageServlet extends HttpServlet {

    static final String PATH = "/trust";

    @Inject
    HostConfiguration configuration;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String fingerprint;
        try {
            byte[] der = Files.readAllBytes(configuration.dataDirectory().caCertificate());
            fingerprint = HexFormat.ofDelimiter(":").withUpperCase()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (NoSuchFileException e) {
            fingerprint = "(no CA yet)";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        String host = request.getServerName().contains(":") ? "[" + request.getServerName() + "]"
                : request.getServerName();
        String https = "https://" + host + ":" + configuration.httpsPort() + "/";
        response.setContentType("text/html;charset=UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
        response.getOutputStream().write(page(escape(https), fingerprint).getBytes(StandardCharsets.UTF_8));
    }

    private static String page(String httpsUrl, String fingerprint) {
        return """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Trust this Persona host</title>
                <style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:1em auto;padding:0 1em}
                code{word-break:break-all}a.button{display:inline-block;padding:.6em 1em;border-radius:.4em;
                background:#2b5fd9;color:#fff;text-decoration:none}
                @media (prefers-color-scheme: dark){body{background:#111;color:#ddd}}</style></head>
                <body>
                <h1>Trust this Persona host</h1>
                <p>Persona talks to your phone over HTTPS with a certificate from this computer's own certificate
                authority (CA). Install the CA once; then the chat page opens without warnings.</p>
                <p><a class="button" href="/ca.crt">Download the CA certificate</a></p>
                <p>Its SHA-256 fingerprint, to compare with the host's console:<br><code>%s</code></p>
                <h2>Android</h2>
                <ol><li>Download the certificate above.</li>
                <li>Open <b>Settings → Security &amp; privacy → More security settings → Encryption &amp; credentials
                → Install a certificate → CA certificate</b>, confirm, and choose <i>persona-ca.crt</i>.</li></ol>
                <h2>iPhone and iPad</h2>
                <ol><li>Open this page in Safari and download the certificate; allow the configuration profile.</li>
                <li><b>Settings → General → VPN &amp; Device Management</b>: open the Persona profile and install it.</li>
                <li><b>Settings → General → About → Certificate Trust Settings</b>: switch on full trust for the
                Persona local CA.</li></ol>
                <p>Then continue over HTTPS: <a href="%s">%s</a></p>
                </body></html>
                """.formatted(fingerprint, httpsUrl, httpsUrl);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

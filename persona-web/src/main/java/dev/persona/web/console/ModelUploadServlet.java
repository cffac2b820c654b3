package dev.persona.web.console;

import java.io.IOException;

import dev.persona.host.models.ModelLibrary;
import dev.persona.web.RequestBodyLimit;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code PUT /console/models/upload?name=<file>.gguf}: the raw file as the request body, of any size the disk can
 * hold, stored by the {@link ModelLibrary} with its checks (refused before a byte is read when the name is bad or taken or the declared
 * length does not fit on the disk; streamed to a hidden part file with its SHA-256; moved into place when its GGUF
 * header reads). The page sends it with XMLHttpRequest for the progress bar, and the header
 * {@code X-Persona-Upload}, which a cross-site form cannot send. Behind the console's login like every
 * {@code /console} path.
 *
 * <p>The body's size: {@link RequestBodyLimit} bounds every request body of the application (10 MiB unless set
 * otherwise), before the login is checked. This servlet raises the bound of its own request to the declared length,
 * once {@link ModelLibrary#checkUpload} accepted it; it only runs for a signed-in owner (web.xml's constraint on
 * {@code /console/*} comes first), so a stranger's upload is answered with the login page and its body is never
 * read beyond the bound. Not chosen: a larger bound for everyone; {@code @MultipartConfig(maxRequestSize)} and
 * handlers in {@code undertow-handlers.conf} (Undertow applies both before the login is checked); multipart bodies
 * (parsing, and a temporary copy of the file); slicing the file into requests under the bound (upload state kept
 * between requests, and abandoned parts to clean up).
 */
@WebServlet(RequestBodyLimit.UPLOAD_PATH)
public class ModelUploadServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final String GUARD_HEADER = "X-Persona-Upload";

    @Inject
    private ModelLibrary library;

    @Override
    protected void doPut(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getHeader(GUARD_HEADER) == null) {
            refuse(response, HttpServletResponse.SC_FORBIDDEN, "Uploads come from the console's model page.");
            return;
        }
        String name = request.getParameter("name");
        long length = request.getContentLengthLong();
        ModelLibrary.Stored received;
        try {
            library.checkUpload(name, length);
            RequestBodyLimit.allow(request, length);
            received = library.store(name, length, request.getInputStream());
        } catch (ModelLibrary.RefusedException e) {
            refuse(response, status(e.refusal()), e.getMessage());
            return;
        } catch (IOException e) {
            refuse(response, HttpServletResponse.SC_BAD_REQUEST, "The upload broke off: " + e.getMessage());
            return;
        }
        ConsoleJson.send(response, HttpServletResponse.SC_OK, ConsoleJson.Upload.of(received));
    }

    private static int status(ModelLibrary.Refusal refusal) {
        return switch (refusal) {
            case BAD_NAME, NOT_GGUF -> HttpServletResponse.SC_BAD_REQUEST;
            case EXISTS -> HttpServletResponse.SC_CONFLICT;
            case NO_LENGTH -> HttpServletResponse.SC_LENGTH_REQUIRED;
            case NO_SPACE -> 507; // Insufficient Storage (RFC 4918)
        };
    }

    private static void refuse(HttpServletResponse response, int status, String message) throws IOException {
        ConsoleJson.send(response, status, new ConsoleJson.Refusal(message));
    }
}

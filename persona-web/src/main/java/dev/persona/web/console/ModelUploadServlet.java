package dev.persona.web.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.logging.Logger;
import java.util.regex.Pattern;

import dev.persona.host.config.HostConfiguration;
import dev.persona.models.gguf.GgufReader;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code PUT /console/models/upload?name=<file>.gguf}: streams the request body (the raw file, of any size) to the
 * models folder, computing its SHA-256 on the way; a file whose GGUF header does not read is deleted. The page
 * sends it with XMLHttpRequest for the progress bar, and the header {@code X-Persona-Upload}, which a cross-site
 * form cannot send. Behind the console's login like every {@code /console} path.
 */
@WebServlet("/console/models/upload")
public class ModelUploadServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final String GUARD_HEADER = "X-Persona-Upload";
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}\\.gguf");
    private static final Logger LOG = Logger.getLogger(ModelUploadServlet.class.getName());

    @Inject
    private HostConfiguration configuration;

    @Override
    protected void doPut(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getHeader(GUARD_HEADER) == null) {
            refuse(response, HttpServletResponse.SC_FORBIDDEN, "Uploads come from the console's model page.");
            return;
        }
        String name = request.getParameter("name");
        if (name == null || !FILE_NAME.matcher(name).matches()) {
            refuse(response, HttpServletResponse.SC_BAD_REQUEST, "The file name must end with .gguf and use only"
                    + " letters, digits, '.', '_' and '-'.");
            return;
        }
        Path folder = configuration.dataDirectory().models();
        Path target = folder.resolve(name);
        if (Files.exists(target)) {
            refuse(response, HttpServletResponse.SC_CONFLICT, "The models folder already has " + name + ".");
            return;
        }
        long length = request.getContentLengthLong();
        if (length > 0 && length > Files.getFileStore(folder).getUsableSpace()) {
            refuse(response, 507, "Not enough disk space for " + name + " in " + folder + ".");
            return;
        }
        Path part = folder.resolve("." + name + "." + UUID.randomUUID() + ".part");
        MessageDigest sha256 = sha256();
        long written;
        try (InputStream in = request.getInputStream();
             OutputStream out = new DigestOutputStream(Files.newOutputStream(part), sha256)) {
            written = in.transferTo(out);
        } catch (IOException e) {
            Files.deleteIfExists(part);
            LOG.info(() -> "The upload of " + name + " broke off: " + e.getMessage());
            throw e;
        }
        try {
            new GgufReader().read(part);
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(part);
            refuse(response, HttpServletResponse.SC_BAD_REQUEST, name + " is not a GGUF model: " + e.getMessage());
            return;
        }
        String checksum = HexFormat.of().formatHex(sha256.digest());
        LOG.info(() -> "Uploaded model " + target + " (" + written + " bytes, SHA-256 " + checksum + ").");
        response.setContentType("application/json");
        response.getWriter().write(Json.createObjectBuilder().add("name", name).add("size", written)
                .add("sha256", checksum).build().toString());
    }

    private static void refuse(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.getWriter().write(Json.createObjectBuilder().add("error", message).build().toString());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

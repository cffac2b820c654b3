package dev.persona.web.console;

import java.io.IOException;
import java.util.Optional;

import dev.persona.host.models.HubDownloads;
import dev.persona.host.models.ModelLibrary;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The hub downloads as JSON, for scripts and tests that drive the host without the console's pages (behind the
 * console's login like every {@code /console} path; the requests that change something carry the header
 * {@code X-Persona-Request}, which a cross-site form cannot send):
 * <ul>
 * <li>{@code GET /console/models/hub/files?repo=<owner/name>[&revision=]}: the repository's GGUF files and sizes;</li>
 * <li>{@code GET /console/models/hub/downloads}: every download with its stage, bytes, rate and message;</li>
 * <li>{@code POST /console/models/hub/downloads?repo=&file=[&revision=]}: starts one (202; 409 while the same file
 * is being downloaded);</li>
 * <li>{@code DELETE /console/models/hub/downloads?file=}: cancels one.</li>
 * </ul>
 * The rules are the {@link ModelLibrary}'s.
 */
@WebServlet("/console/models/hub/*")
public class ModelHubServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final String GUARD_HEADER = "X-Persona-Request";

    @Inject
    private ModelLibrary library;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        switch (String.valueOf(request.getPathInfo())) {
            case "/files" -> {
                try {
                    send(response, HttpServletResponse.SC_OK, ConsoleJson.HubFiles.of(library.hubFiles(
                            request.getParameter("repo"), request.getParameter("revision"))));
                } catch (IllegalArgumentException e) {
                    refuse(response, HttpServletResponse.SC_BAD_GATEWAY, e.getMessage());
                }
            }
            case "/downloads" -> send(response, HttpServletResponse.SC_OK, new ConsoleJson.Downloads(
                    library.downloads().stream().map(ConsoleJson.Download::of).toList()));
            default -> refuse(response, HttpServletResponse.SC_NOT_FOUND, "No such path.");
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!guarded(request, response)) {
            return;
        }
        Optional<HubDownloads.Status> started;
        try {
            started = library.download(request.getParameter("repo"), request.getParameter("file"),
                    request.getParameter("revision"));
        } catch (IllegalArgumentException e) {
            refuse(response, HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
            return;
        }
        if (started.isEmpty()) {
            refuse(response, HttpServletResponse.SC_CONFLICT, request.getParameter("file")
                    + " is being downloaded already.");
            return;
        }
        send(response, HttpServletResponse.SC_ACCEPTED, ConsoleJson.Download.of(started.get()));
    }

    @Override
    protected void doDelete(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!guarded(request, response)) {
            return;
        }
        if (!library.cancelDownload(String.valueOf(request.getParameter("file")))) {
            refuse(response, HttpServletResponse.SC_NOT_FOUND, "No download of that file is running.");
            return;
        }
        send(response, HttpServletResponse.SC_ACCEPTED, new ConsoleJson.Cancelled(request.getParameter("file")));
    }

    private static boolean guarded(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!"/downloads".equals(request.getPathInfo())) {
            refuse(response, HttpServletResponse.SC_NOT_FOUND, "No such path.");
            return false;
        }
        if (request.getHeader(GUARD_HEADER) == null) {
            refuse(response, HttpServletResponse.SC_FORBIDDEN, "Requests that change something carry "
                    + GUARD_HEADER + ".");
            return false;
        }
        return true;
    }

    private static void send(HttpServletResponse response, int code, Object body) throws IOException {
        response.setHeader("Cache-Control", "no-store");
        ConsoleJson.send(response, code, body);
    }

    private static void refuse(HttpServletResponse response, int code, String message) throws IOException {
        send(response, code, new ConsoleJson.Refusal(message));
    }
}

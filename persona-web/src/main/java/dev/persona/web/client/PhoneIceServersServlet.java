package dev.persona.web.client;

import java.io.IOException;
import java.util.List;

import dev.persona.host.chat.ChatHost;
import dev.persona.host.signaling.SignalingHost;
import dev.persona.peer.IceServer;
import dev.persona.signaling.SourceAddress;
import dev.persona.signaling.identity.KeyId;
import dev.persona.signaling.identity.ProofRejectedException;
import jakarta.ejb.EJB;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code GET /ice/<host id>?phone=<key id>} with {@code Authorization: Proof <token>}: the ICE servers the phone page
 * gives its peer connection, that is the TURN servers with short-lived credentials of the phone's own
 * ({@code ChatHost.phoneIceServers}), for a phone whose proof token (the signaling's, docs/identity.md, section 3:
 * fresh, for this origin, used once) proves a key that is an approved device of that host id. Any other phone gets
 * an empty list; a missing or refused proof gets 401 with the reason. When no TURN server is set, every request gets
 * an empty list and its proof is not checked (it takes no room in the replay cache). Never cached. So the TURN
 * credentials are in no page and reach no stranger (docs/host-peer.md, section 6a).
 */
@WebServlet(PhoneIceServersServlet.PATH + "/*")
public class PhoneIceServersServlet extends HttpServlet {

    static final String PATH = "/ice";
    private static final String SCHEME = "Proof ";

    @EJB
    ChatHost chat;

    @Inject
    SignalingHost signaling;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Cache-Control", "no-store");
        String path = request.getPathInfo();
        KeyId hostId;
        KeyId phone;
        try {
            hostId = KeyId.parse(path == null ? "" : path.substring(1));
            phone = KeyId.parse(String.valueOf(request.getParameter("phone")));
        } catch (IllegalArgumentException notAKeyId) {
            send(response, HttpServletResponse.SC_NOT_FOUND, error("No such host id or phone id."));
            return;
        }
        if (!chat.offersTurn()) {
            // Nothing to hand out: the proof is not checked, so that it takes no room in the replay cache.
            send(response, HttpServletResponse.SC_OK, iceServers(List.of()));
            return;
        }
        String authorization = request.getHeader("Authorization");
        if (authorization == null || !authorization.startsWith(SCHEME)) {
            response.setHeader("WWW-Authenticate", "Proof");
            send(response, HttpServletResponse.SC_UNAUTHORIZED, error("A phone asks with Authorization: Proof "
                    + "<a fresh proof token of its key>, as it signs in to signaling (docs/identity.md)."));
            return;
        }
        try {
            signaling.server().verifier().verify(phone, authorization.substring(SCHEME.length()).strip(),
                    SourceAddress.of(request.getRemoteAddr()));
        } catch (ProofRejectedException rejected) {
            response.setHeader("WWW-Authenticate", "Proof");
            send(response, rejected.reason() == ProofRejectedException.Reason.TOO_MANY_PROOFS ? 429
                    : HttpServletResponse.SC_UNAUTHORIZED, error(rejected.getMessage()));
            return;
        }
        send(response, HttpServletResponse.SC_OK, iceServers(chat.phoneIceServers(hostId.toString(), phone)));
    }

    /** As {@code RTCConfiguration.iceServers} takes them: one entry per user name, with its URLs. */
    static JsonObject iceServers(List<IceServer> servers) {
        JsonArrayBuilder list = Json.createArrayBuilder();
        if (!servers.isEmpty()) {
            JsonArrayBuilder urls = Json.createArrayBuilder();
            servers.forEach(server -> urls.add(server.url()));
            IceServer first = servers.get(0);
            list.add(Json.createObjectBuilder().add("urls", urls).add("username", first.username())
                    .add("credential", first.password()));
        }
        return Json.createObjectBuilder().add("iceServers", list).build();
    }

    private static JsonObject error(String message) {
        return Json.createObjectBuilder().add("error", message).build();
    }

    private static void send(HttpServletResponse response, int status, JsonObject body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(body.toString());
    }
}

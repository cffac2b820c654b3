package dev.persona.testkit.owner;

import java.io.IOException;
import java.time.Duration;
import java.util.UUID;

import javax.naming.InitialContext;
import javax.naming.NamingException;

import dev.persona.host.devices.Device;
import dev.persona.host.devices.DeviceTrust;
import dev.persona.host.identity.Persona;
import dev.persona.host.identity.PersonaIdentities;
import dev.persona.signaling.identity.KeyId;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The owner's actions on the first persona, called by the integration tests through the test host's HTTPS port:
 * {@code POST /owner-test/invite} (a new invite code; {@code ?validSeconds=N} for a short-lived one), {@code approve?device=<key id>}, {@code revoke?device=…},
 * {@code rotate?graceSeconds=n} (the new key id). It calls the same services the console calls. Lives in the test
 * kit only: {@link dev.persona.testkit.OwnerDesk} packs it into a WAR and deploys it beside the EAR of a test host.
 */
@WebServlet("/*")
public class OwnerActionsServlet extends HttpServlet {

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain;charset=UTF-8");
        try {
            PersonaIdentities identities = lookup("PersonaIdentities", PersonaIdentities.class);
            DeviceTrust devices = lookup("DeviceTrust", DeviceTrust.class);
            Persona persona = identities.personas().get(0);
            String answer = switch (request.getPathInfo()) {
                case "/invite" -> devices.mintInvite(persona.id(), request.getParameter("validSeconds") == null
                        ? DeviceTrust.DEFAULT_INVITE_VALIDITY
                        : Duration.ofSeconds(Long.parseLong(request.getParameter("validSeconds"))));
                case "/approve" -> {
                    devices.approve(device(devices, persona, request.getParameter("device")));
                    yield "approved";
                }
                case "/revoke" -> {
                    devices.revoke(device(devices, persona, request.getParameter("device")));
                    yield "revoked";
                }
                case "/rotate" -> KeyId.of(identities.rotate(persona.id(),
                        Duration.ofSeconds(Long.parseLong(request.getParameter("graceSeconds"))))).toString();
                default -> null;
            };
            if (answer == null) {
                response.sendError(404);
                return;
            }
            response.getWriter().write(answer);
        } catch (NamingException | RuntimeException e) {
            response.setStatus(500);
            response.getWriter().write(e.toString());
        }
    }

    private static UUID device(DeviceTrust devices, Persona persona, String keyId) {
        byte[] key = KeyId.parse(keyId).publicKey();
        return devices.devices(persona.id()).stream().filter(d -> java.util.Arrays.equals(d.publicKey(), key))
                .map(Device::id).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no device " + keyId + " for " + persona.name()));
    }

    private static <T> T lookup(String bean, Class<T> type) throws NamingException {
        return type.cast(new InitialContext().lookup("java:global/persona/persona-ejb/" + bean + "!"
                + type.getName()));
    }
}

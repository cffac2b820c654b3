package dev.persona.signaling.peerjs;

import java.util.UUID;

import dev.persona.signaling.SignalingServer;
import dev.persona.signaling.SignalingSettings;
import jakarta.servlet.ServletContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * PeerJS's HTTP calls, {@code GET {path}{key}/id} and {@code GET {path}{key}/peers}. The web module mounts it in a
 * JAX-RS application at {@code /peerjs} (the only key, under the peerjs path {@code "/"}), so the resource starts
 * at that application's root. It finds the {@link SignalingServer} in the servlet context attribute
 * {@link #SERVER_ATTRIBUTE}, put there by whoever registers {@link PeerJsEndpoint}.
 */
@Path("/")
public class PeerJsResource {

    /** The servlet context attribute that holds the {@link SignalingServer}. */
    public static final String SERVER_ATTRIBUTE = SignalingServer.class.getName();

    @Context
    private ServletContext servletContext;

    /**
     * A fresh random id (a version 4 UUID), what peerjs asks for when it is created without an id. It is not a key
     * id: with the default settings the server refuses it on connect; clients connect with their key id instead.
     */
    @GET
    @Path("id")
    @Produces(MediaType.TEXT_PLAIN)
    public String id() {
        return UUID.randomUUID().toString();
    }

    /** The connected ids as a JSON array, only when discovery is allowed; otherwise 401, as peerjs does. */
    @GET
    @Path("peers")
    @Produces(MediaType.APPLICATION_JSON)
    public Response peers() {
        SignalingServer server = server();
        if (!server.settings().allowDiscovery()) {
            return Response.status(Response.Status.UNAUTHORIZED).type(MediaType.TEXT_PLAIN_TYPE)
                    .entity("Peer discovery is off on this server (" + SignalingSettings.ALLOW_DISCOVERY + ").")
                    .build();
        }
        return Response.ok(PeerJsJson.stringArray(server.registry().peerIds())).build();
    }

    private SignalingServer server() {
        if (servletContext.getAttribute(SERVER_ATTRIBUTE) instanceof SignalingServer server) {
            return server;
        }
        throw new IllegalStateException("No SignalingServer in the servlet context attribute " + SERVER_ATTRIBUTE
                + "; set it where PeerJsEndpoint is registered.");
    }
}

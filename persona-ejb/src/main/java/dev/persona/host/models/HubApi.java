package dev.persona.host.models;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * The JSON part of the hub's HTTP API that the host uses, as a MicroProfile REST Client interface: a model
 * repository's info at a revision, {@code GET /api/models/<owner>/<name>/revision/<revision>?blobs=true}, whose
 * {@code siblings} name each file with its size and, for LFS files, its SHA-256 (docs/models.md cites the hub's
 * documentation). The files themselves are streamed by {@code HubDownload}, not through this interface.
 */
@Path("/api/models")
public interface HubApi {

    @GET
    @Path("/{owner}/{name}/revision/{revision}")
    @Produces(MediaType.APPLICATION_JSON)
    RepoInfo model(@PathParam("owner") String owner, @PathParam("name") String name,
                   @PathParam("revision") String revision, @QueryParam("blobs") boolean blobs,
                   @HeaderParam("Authorization") String authorization);

    /** The fields of the hub's answer that the host reads; the others are ignored. */
    record RepoInfo(String id, String sha, Boolean gated, List<Sibling> siblings) {
    }

    /** One file of the repository; {@code lfs} is absent for files not stored with LFS. */
    record Sibling(String rfilename, Long size, Lfs lfs) {
    }

    /** The LFS object of a file: its SHA-256 and size. */
    record Lfs(String sha256, Long size) {
    }
}

package dev.persona.host.models;

import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.persona.models.HubDownload;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.rest.client.RestClientBuilder;

/**
 * The GGUF files of a repository on the hub, read through {@link HubApi} (MicroProfile REST Client, built for the
 * hub address of the setting). Failures become one message for the owner, as the downloads' do.
 */
public final class HubCatalog {

    /** A GGUF file of a repository, with the size and SHA-256 the hub gives. */
    public record HubFile(String repo, String file, long size, String sha256) implements java.io.Serializable {
    }

    private final HubApi api;
    private final Optional<String> token;

    HubCatalog(URI hub, Optional<String> token) {
        this.api = RestClientBuilder.newBuilder().baseUri(hub).connectTimeout(30, TimeUnit.SECONDS)
                .readTimeout(60, TimeUnit.SECONDS).build(HubApi.class);
        this.token = token;
    }

    /**
     * @throws IllegalArgumentException for a malformed repository name, or with the hub's refusal in words
     */
    List<HubFile> ggufFiles(String repo, String revision) {
        HubDownload.Request checked = new HubDownload.Request(repo, "x.gguf", revision);
        String[] owner = checked.repo().split("/", 2);
        HubApi.RepoInfo info;
        try {
            info = api.model(owner[0], owner[1], checked.revision(), true, token.map(t -> "Bearer " + t)
                    .orElse(null));
        } catch (WebApplicationException e) {
            int status = e.getResponse().getStatus();
            throw new IllegalArgumentException(switch (status) {
                case 401 -> "The hub answered 401 for " + repo + ": it does not exist, or it is private and needs"
                        + " an access token (PERSONA_HUB_TOKEN).";
                case 403 -> "The hub refused " + repo + " (403): it is gated; accept its conditions on its page and"
                        + " set PERSONA_HUB_TOKEN.";
                case 404 -> "The hub has no " + repo + " at revision " + checked.revision() + ".";
                default -> "The hub answered " + status + " for " + repo + ".";
            }, e);
        } catch (ProcessingException e) {
            throw new IllegalArgumentException("Could not reach the hub: " + e.getMessage(), e);
        }
        if (info == null || info.siblings() == null) {
            return List.of();
        }
        return info.siblings().stream()
                .filter(s -> s.rfilename() != null && s.rfilename().toLowerCase(Locale.ROOT).endsWith(".gguf"))
                .map(s -> new HubFile(checked.repo(), s.rfilename(), s.lfs() != null && s.lfs().size() != null
                        ? s.lfs().size() : s.size() == null ? -1 : s.size(), s.lfs() == null ? null : s.lfs().sha256()))
                .sorted(Comparator.comparing(HubFile::file))
                .toList();
    }
}

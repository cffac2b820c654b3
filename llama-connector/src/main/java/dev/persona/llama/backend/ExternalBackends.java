package dev.persona.llama.backend;

import dev.persona.llama.BackendStatus;
import dev.persona.llama.http.LlamaServerClient;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The external servers of one connection factory, from its settings: {@code backendUrls} (comma-separated base
 * URLs such as {@code http://gpu1:8080} or {@code http://ollama:11434/v1}), {@code backendApiKeys} (none, one for
 * all, or one per URL in the same order) and {@code backendModel} (the model name servers hosting several need).
 */
public final class ExternalBackends implements BackendGroup {

    /** Name of the setting with the URLs, as messages and the connection factory call it. */
    public static final String URLS_SETTING = "backendUrls";
    /** Name of the setting with the API keys. */
    public static final String KEYS_SETTING = "backendApiKeys";

    private final List<ExternalBackend> backends;

    private ExternalBackends(List<ExternalBackend> backends) {
        this.backends = List.copyOf(backends);
    }

    /**
     * Checks the settings and creates the backends.
     *
     * @param urls  comma-separated base URLs; at least one
     * @param keys  comma-separated API keys: empty, one, or as many as URLs
     * @param model the model to request, or blank for the server's default
     * @throws IllegalArgumentException naming the setting that is wrong and what is expected
     */
    public static ExternalBackends parse(String urls, String keys, String model, HttpClient http, Clock clock) {
        List<String> urlList = split(urls);
        if (urlList.isEmpty()) {
            throw new IllegalArgumentException(URLS_SETTING + " is empty: give the base URL of at least one"
                    + " OpenAI-compatible server, e.g. http://gpu1:8080");
        }
        List<String> keyList = split(keys);
        if (keyList.size() > 1 && keyList.size() != urlList.size()) {
            throw new IllegalArgumentException(KEYS_SETTING + " has " + keyList.size() + " keys for "
                    + urlList.size() + " URLs in " + URLS_SETTING + ": give one key for all servers, or one per URL"
                    + " in the same order");
        }
        String modelName = model == null || model.isBlank() ? null : model.strip();
        List<ExternalBackend> backends = new ArrayList<>();
        for (int i = 0; i < urlList.size(); i++) {
            URI url = checkUrl(urlList.get(i));
            String key = keyList.isEmpty() ? null : keyList.get(keyList.size() == 1 ? 0 : i);
            LlamaServerClient client = new LlamaServerClient(displayName(url), url, key, modelName, http);
            backends.add(new ExternalBackend(client, clock));
        }
        return new ExternalBackends(backends);
    }

    private static List<String> split(String list) {
        if (list == null || list.isBlank()) {
            return List.of();
        }
        return Arrays.stream(list.split(",")).map(String::strip).filter(item -> !item.isEmpty()).toList();
    }

    private static URI checkUrl(String text) {
        try {
            URI url = new URI(text);
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && url.getHost() != null
                    && url.getRawQuery() == null && url.getRawFragment() == null) {
                return url;
            }
        } catch (URISyntaxException e) {
            // reported below with what is expected
        }
        throw new IllegalArgumentException(URLS_SETTING + " contains '" + text + "', which is not an http(s) base URL"
                + " such as http://gpu1:8080 or https://llm.example.org/v1");
    }

    /** The URL without user information, so that a password in it never reaches a log or the console. */
    private static String displayName(URI url) {
        String port = url.getPort() < 0 ? "" : ":" + url.getPort();
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        return url.getScheme() + "://" + url.getHost() + port + path;
    }

    @Override
    public List<? extends Backend> backends() {
        return backends;
    }

    @Override
    public String unavailableReason() {
        List<BackendStatus> statuses = new ArrayList<>();
        backends.forEach(backend -> statuses.add(backend.status()));
        return "No external server is available right now: " + LlamaGateway.describe(statuses)
                + ". Each failed server is tried again after its back-off; check that it runs and that "
                + URLS_SETTING + " and " + KEYS_SETTING + " are right.";
    }
}

package dev.persona.llama.backend;

import dev.persona.llama.BackendMetrics;
import dev.persona.llama.BackendStatus;
import dev.persona.llama.ChatListener;
import dev.persona.llama.ChatRequest;
import dev.persona.llama.ChatStream;
import dev.persona.llama.LlamaException;
import dev.persona.llama.ServerProperties;
import dev.persona.llama.SlotStatus;
import dev.persona.llama.http.LlamaServerClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Everything a {@link dev.persona.llama.LlamaConnection} does, over one {@link BackendGroup}: streams each chat
 * from the least busy ready backend and gathers status from all of them. Thread-safe; the resource adapter's
 * managed connections share one gateway per backend group.
 */
public final class LlamaGateway {

    private final BackendGroup group;
    private final LeastBusyRouter router = new LeastBusyRouter();

    public LlamaGateway(BackendGroup group) {
        this.group = group;
    }

    /** See {@link dev.persona.llama.LlamaConnection#streamChat}. */
    public ChatStream streamChat(ChatRequest request, ChatListener listener) throws LlamaException {
        RoutedChatStream stream = new RoutedChatStream(group, router, request, listener);
        stream.start();
        return stream;
    }

    public List<BackendStatus> backends() {
        List<BackendStatus> statuses = new ArrayList<>();
        for (Backend backend : group.backends()) {
            statuses.add(backend.status());
        }
        return statuses;
    }

    public List<SlotStatus> slots() throws LlamaException {
        List<SlotStatus> slots = new ArrayList<>();
        for (LlamaServerClient client : readyClients()) {
            client.slots().ifPresent(slots::addAll);
        }
        return slots;
    }

    public List<BackendMetrics> metrics() throws LlamaException {
        List<BackendMetrics> metrics = new ArrayList<>();
        for (LlamaServerClient client : readyClients()) {
            client.metrics().ifPresent(metrics::add);
        }
        return metrics;
    }

    public List<ServerProperties> props() throws LlamaException {
        List<ServerProperties> props = new ArrayList<>();
        for (LlamaServerClient client : readyClients()) {
            client.props().ifPresent(props::add);
        }
        return props;
    }

    private List<LlamaServerClient> readyClients() {
        List<LlamaServerClient> clients = new ArrayList<>();
        for (Backend backend : group.backends()) {
            LlamaServerClient client = backend.statusClient();
            if (client != null) {
                clients.add(client);
            }
        }
        return clients;
    }

    /** A one-line summary of each backend's state, for messages such as "no backend is ready: …". */
    public static String describe(List<BackendStatus> statuses) {
        List<String> parts = new ArrayList<>();
        for (BackendStatus status : statuses) {
            String detail = status.detail() == null ? "" : " (" + status.detail() + ")";
            parts.add(status.name() + ": " + status.state().name().toLowerCase(Locale.ROOT).replace('_', ' ') + detail);
        }
        return String.join("; ", parts);
    }
}

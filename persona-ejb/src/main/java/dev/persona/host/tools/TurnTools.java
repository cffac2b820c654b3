package dev.persona.host.tools;

import dev.persona.llama.ChatListener;
import dev.persona.llama.ChatRequest;
import dev.persona.llama.ChatStream;
import dev.persona.llama.LlamaConnection;
import dev.persona.llama.LlamaConnectionFactory;
import dev.persona.llama.LlamaException;
import dev.persona.llama.ServerProperties;
import dev.persona.llama.ToolDefinition;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * The chat's way in to tools: streams one answer, with the persona's enabled tools when the model's chat template
 * takes tools (llama-server's {@code /props}; servers without it are assumed to), and without them otherwise — a
 * model without tool support keeps answering as before.
 */
@ApplicationScoped
public class TurnTools {

    private static final Logger LOG = Logger.getLogger(TurnTools.class.getName());
    private static final long SUPPORT_CHECK_NANOS = 60_000_000_000L;

    @Inject
    ToolExecutor tools;

    @Resource
    ManagedExecutorService executor;

    @Inject
    ToolBox toolBox;

    private volatile Boolean modelTakesTools;
    private volatile long checkedAt;
    /** A background check of {@link #modelTakesTools} is under way. */
    private final AtomicBoolean checking = new AtomicBoolean();
    /**
     * {@link ToolBox#maxRounds()}, read once when this bean is made: the setting does not change while the host runs,
     * and each call of the singleton EJB goes through its container interceptors, about half a millisecond of each
     * turn's way to the model server on a busy machine.
     */
    private int maxRounds;

    @PostConstruct
    void readSettings() {
        maxRounds = toolBox.maxRounds();
    }

    /**
     * Streams the answer to {@code request} for the persona and phone of {@code context}; tool calls are run and
     * shown to {@code observer}. Throws like {@code streamChat} when no backend is ready.
     */
    public ChatStream stream(LlamaConnectionFactory llama, ChatRequest request, ToolContext context,
                             ChatListener listener, ToolLoop.Observer observer) throws LlamaException {
        List<ToolDefinition> offered = modelTakesTools(llama) ? offered(context) : List.of();
        ToolLoop.Streamer streamer = (next, roundListener) -> {
            try (LlamaConnection connection = llama.getConnection()) {
                return connection.streamChat(next, roundListener);
            }
        };
        return ToolLoop.start(offered.isEmpty() ? request : request.withTools(offered, null), maxRounds,
                streamer, call -> tools.run(context, call), executor, observer, listener);
    }

    /** The persona's tools; none when the plugins could not be loaded (the answer goes on without them). */
    private List<ToolDefinition> offered(ToolContext context) {
        try {
            return tools.definitionsFor(context.persona());
        } catch (RuntimeException e) {
            LOG.warning(() -> "Answering without tools: they are not available (" + e.getMessage() + ")");
            return List.of();
        }
    }

    /**
     * Whether the model's template takes tools. Only the first turn waits for llama-server's answer; later turns use
     * what is known and, once it is a minute old, have it asked again in the background, so that no turn's first
     * token waits for a {@code /props} round trip (one turn a minute did, a tail in the time to first token).
     */
    private boolean modelTakesTools(LlamaConnectionFactory llama) {
        Boolean known = modelTakesTools;
        if (known == null) {
            return checkModelTakesTools(llama);
        }
        if (System.nanoTime() - checkedAt >= SUPPORT_CHECK_NANOS && checking.compareAndSet(false, true)) {
            try {
                executor.execute(() -> {
                    try {
                        checkModelTakesTools(llama);
                    } finally {
                        checking.set(false);
                    }
                });
            } catch (RejectedExecutionException stopping) {
                checking.set(false);
            }
        }
        return known;
    }

    private boolean checkModelTakesTools(LlamaConnectionFactory llama) {
        Boolean known = modelTakesTools;
        boolean takes;
        try (LlamaConnection connection = llama.getConnection()) {
            List<ServerProperties> props = connection.props();
            takes = props.stream().allMatch(ServerProperties::chatTemplateSupportsTools);
        } catch (LlamaException | RuntimeException e) {
            LOG.fine(() -> "Could not ask the model server whether its template takes tools: " + e.getMessage());
            return known != null && known;
        }
        if (known == null || known != takes) {
            LOG.info(takes ? "The model's chat template takes tools: answers may call the persona's tools"
                    : "The model's chat template has no tools: answers run without them (a model with tool support, "
                            + "e.g. Qwen 2.5 or Llama 3.1, enables them)");
        }
        modelTakesTools = takes;
        checkedAt = System.nanoTime();
        return takes;
    }
}

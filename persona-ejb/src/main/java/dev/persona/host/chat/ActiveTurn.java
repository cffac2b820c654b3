package dev.persona.host.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;

import dev.persona.host.tools.ToolCardSender;
import dev.persona.host.tools.ToolContext;
import dev.persona.llama.ChatCompletion;
import dev.persona.llama.ChatListener;
import dev.persona.llama.ChatMessage;
import dev.persona.llama.ChatRequest;
import dev.persona.llama.ChatRole;
import dev.persona.llama.ChatStream;
import dev.persona.llama.LlamaException;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;

/**
 * One answer from its slot to its storage: builds the request (the persona's system prompt and the conversation's
 * latest messages), streams tokens to the phone coalesced into pieces of at most {@link #FLUSH_NANOS}, and stores
 * the answer, complete or as far as it got when stopped. Model-server callbacks come on the connector's network
 * thread and return at once; storing runs on the container's executor.
 */
final class ActiveTurn implements TurnScheduler.Turn, ChatListener {

    private static final Logger LOG = Logger.getLogger(ActiveTurn.class.getName());
    /** Tokens are sent at most this often (20 ms: smooth to read, few messages at thousands of tokens/s). */
    static final long FLUSH_NANOS = 20_000_000L;

    private final ChatHost host;
    private final PhoneSession session;
    private final ChatHost.HostedPersona persona;
    private final String id;
    private final UUID conversation;
    private final String device;
    private final StringBuilder answer = new StringBuilder();
    private final StringBuilder pending = new StringBuilder();
    private long lastFlush;
    private long started;
    private long firstToken;
    private ChatStream stream;
    private boolean ended;

    ActiveTurn(ChatHost host, PhoneSession session, ChatHost.HostedPersona persona, String id, UUID conversation) {
        this.host = host;
        this.session = session;
        this.persona = persona;
        this.id = id;
        this.conversation = conversation;
        this.device = session.deviceId().toString();
    }

    String id() {
        return id;
    }

    @Override
    public String device() {
        return device;
    }

    @Override
    public void queued(int position) {
        session.send(ChatMessages.message("queue").add("id", id).add("position", position).build().toString());
    }

    /** Called by the scheduler, possibly on a network thread: the work moves to the container's executor. */
    @Override
    public void start() {
        host.executor().execute(this::begin);
    }

    private void begin() {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(ChatMessage.system(persona.systemPrompt()));
        try {
            for (StoredMessage stored : host.conversations().recent(conversation, session.deviceId(),
                    host.historyCharacters())) {
                messages.add(new ChatMessage(stored.role() == ChatRole.USER ? ChatRole.USER : ChatRole.ASSISTANT,
                        stored.text()));
            }
            synchronized (this) {
                if (ended) {
                    return;
                }
                started = System.nanoTime();
                lastFlush = started;
                stream = host.turnTools().stream(host.llama(), host.requestFor(messages),
                        new ToolContext(persona.id(), session.deviceId()), this, new ToolCardSender(session::send, id));
            }
        } catch (LlamaException e) {
            onError(e);
        } catch (RuntimeException e) {
            LOG.warning(() -> "Turn " + id + " could not start: " + e);
            onError(new LlamaException("The answer could not start: " + e.getMessage(), e));
        }
    }

    @Override
    public synchronized void onToken(String text) {
        if (ended) {
            return;
        }
        long now = System.nanoTime();
        if (firstToken == 0) {
            firstToken = now;
        }
        answer.append(text);
        pending.append(text);
        if (now - lastFlush >= FLUSH_NANOS) {
            flush(now);
        }
    }

    private void flush(long now) {
        if (pending.length() > 0) {
            session.send(ChatMessages.message("token").add("id", id).add("text", pending.toString()).build()
                    .toString());
            pending.setLength(0);
        }
        lastFlush = now;
    }

    @Override
    public void onComplete(ChatCompletion completion) {
        String text;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            flush(System.nanoTime());
            text = answer.toString();
        }
        JsonObjectBuilder done = ChatMessages.message("done").add("id", id).add("stopped", false);
        if (completion.usage() != null) {
            done.add("usage", Json.createObjectBuilder().add("promptTokens", completion.usage().promptTokens())
                    .add("completionTokens", completion.usage().completionTokens()));
        }
        done.add("timings", timings(completion));
        storeThen(text, done.build().toString());
    }

    @Override
    public void onError(LlamaException error) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            flush(System.nanoTime());
        }
        LOG.info(() -> "Turn " + id + " failed: " + error.getMessage());
        session.send(ChatMessages.error(id, "model-unavailable", "The model could not answer: "
                + error.getMessage()));
        end();
    }

    /**
     * Stops the answer: frees the slot at once; with {@code tellPhone} stores the part streamed so far and sends
     * {@code done} with {@code stopped: true} (the phone asked), else ends silently (the phone is gone).
     */
    void stop(boolean tellPhone) {
        String text;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            if (stream != null) {
                stream.cancel();
            }
            flush(System.nanoTime());
            text = answer.toString();
        }
        if (!tellPhone) {
            end();
            return;
        }
        storeThen(text, ChatMessages.message("done").add("id", id).add("stopped", true)
                .add("timings", timings(null)).build().toString());
    }

    private JsonObjectBuilder timings(ChatCompletion completion) {
        JsonObjectBuilder timings = Json.createObjectBuilder();
        if (firstToken != 0) {
            timings.add("firstTokenMs", (firstToken - started) / 1_000_000);
        }
        if (completion != null && completion.timings() != null) {
            timings.add("tokensPerSecond", Math.round(completion.timings().predictedPerSecond() * 10) / 10.0);
        }
        return timings;
    }

    /** Stores the answer (if any) off the network thread, then tells the phone and frees the turn. */
    private void storeThen(String text, String doneMessage) {
        host.executor().execute(() -> {
            String last = doneMessage;
            try {
                if (!text.isEmpty()) {
                    host.conversations().addAssistantMessage(conversation, session.deviceId(), text);
                }
            } catch (RuntimeException e) {
                LOG.warning(() -> "Could not store the answer of turn " + id + ": " + e);
                last = ChatMessages.error(id, "model-unavailable", "The answer could not be stored.");
            } finally {
                end();
            }
            // The turn is over before the phone hears so: its next chat, sent on 'done', is never 'one-at-a-time'.
            session.send(last);
        });
    }

    private void end() {
        session.turnEnded(this);
        host.scheduler().finished(device);
    }
}

package dev.persona.host.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;

import dev.persona.host.protocol.Frames;
import dev.persona.host.protocol.ProtocolException;
import dev.persona.host.tools.ToolCardSender;
import dev.persona.host.tools.ToolContext;
import dev.persona.llama.ChatCompletion;
import dev.persona.llama.ChatListener;
import dev.persona.llama.ChatMessage;
import dev.persona.llama.ChatRequest;
import dev.persona.llama.ChatRole;
import dev.persona.llama.ChatStream;
import dev.persona.llama.LlamaException;
import dev.persona.peer.logs.LogText;

/**
 * One answer from its slot to its storage: builds the request (the persona's system prompt and the conversation's
 * latest messages), says {@code accepted} and sends the request before anything else is done for the turn; then it
 * stores the question while the model server reads the prompt (a turn that waits in line says {@code accepted} and
 * stores the question when it hears its place). It streams tokens to the phone (the first at once, then coalesced into pieces of at most
 * {@link #FLUSH_NANOS}; a token after a pause of {@link #SLOW_TOKEN_NANOS} at once), saves the answer as it grows (at
 * its first token, then at most every {@link #SAVE_NANOS}: a crash of the host loses only its last moments), and
 * stores it, complete or as far as it got when stopped. Model-server callbacks come on the connector's network
 * thread and return at once; storing runs on the chat's executor, one write of the turn after the other.
 */
final class ActiveTurn implements TurnScheduler.Turn, ChatListener {

    private static final Logger LOG = Logger.getLogger(ActiveTurn.class.getName());
    /** Tokens are sent at most this often (20 ms: smooth to read, few messages at thousands of tokens/s). */
    static final long FLUSH_NANOS = 20_000_000L;
    /**
     * A token that comes this long after the one before goes out at once: at such a pace (100 tokens/s or slower,
     * a real model on a small machine) coalescing saves next to nothing, and a piece held for the next token waited
     * up to a whole token's time (at 50 tokens/s a token came 19 ms after a flush and waited 20 ms more).
     */
    static final long SLOW_TOKEN_NANOS = 10_000_000L;
    /** The streaming answer is saved at most this often (1 s: one small write a second per running answer). */
    static final long SAVE_NANOS = 1_000_000_000L;

    private final ChatPorts ports;
    private final TurnSlots slots;
    private final PhoneSession session;
    private final HostedPersona persona;
    private final String id;
    private final UUID conversation;
    /** The conversation's latest messages and the new question last. */
    private final List<ChatMessage> turnMessages;
    /** Stores the person's message and the empty answer, yielding the answer's id: the turn's first write. */
    private final Supplier<UUID> storeQuestion;
    /** The turn's writes, one after the other: the first stores the person's message and yields the answer's id. */
    private final CompletableFuture<UUID> questionStored = new CompletableFuture<>();
    private CompletableFuture<UUID> writes = questionStored;
    /** Whether the phone heard {@code accepted} (once, before any other frame of the turn). */
    private boolean accepted;
    /** Whether the question's write began (once). */
    private boolean storing;
    private boolean savePending;
    private long lastSave;
    private final String device;
    /** What the person asked, for the console. */
    private final String request;
    /** Pieces of text streamed so far (one per model token); written under the lock, read by the console. */
    private volatile int tokens;
    private final StringBuilder answer = new StringBuilder();
    private final StringBuilder pending = new StringBuilder();
    private long lastFlush;
    private long lastToken;
    private long started;
    private long firstToken;
    private ChatStream stream;
    private boolean ended;

    /**
     * @param history    the conversation's latest messages before this turn, oldest first
     * @param text          what the person asked
     * @param storeQuestion stores the person's message and the empty answer and returns the answer's id; runs once,
     *                      on the chat's executor, once the request is on its way or the turn waits in line
     */
    ActiveTurn(ChatPorts ports, TurnSlots slots, PhoneSession session, HostedPersona persona, String id,
               UUID conversation, List<StoredMessage> history, String text, Supplier<UUID> storeQuestion) {
        this.ports = ports;
        this.slots = slots;
        this.session = session;
        this.persona = persona;
        this.id = id;
        this.conversation = conversation;
        this.turnMessages = new ArrayList<>();
        for (StoredMessage stored : history) {
            turnMessages.add(new ChatMessage(stored.role() == ChatRole.USER ? ChatRole.USER : ChatRole.ASSISTANT,
                    stored.text()));
        }
        turnMessages.add(new ChatMessage(ChatRole.USER, text));
        this.request = text;
        this.storeQuestion = storeQuestion;
        this.device = session.deviceId().toString();
    }

    String id() {
        return id;
    }

    /** What the person asked in this turn. */
    String request() {
        return request;
    }

    /** Tokens generated so far (0 while the turn waits for a slot). */
    int tokens() {
        return tokens;
    }

    @Override
    public void queued(int position) {
        synchronized (this) {
            accept();
        }
        session.send(new Frames.Queue(id, position));
    }

    /**
     * Once: starts storing the question, after telling the phone {@code accepted} if it has not heard it yet. Called
     * with the lock held, when the request is on its way, when the turn waits in line, or when it ends before either;
     * so {@code accepted} is always the first the phone hears of the turn.
     */
    private void accept() {
        sayAccepted();
        if (storing) {
            return;
        }
        storing = true;
        CompletableFuture.supplyAsync(storeQuestion, ports.executor()).whenComplete((answerId, failed) -> {
            if (failed != null) {
                questionStored.completeExceptionally(failed);
            } else {
                questionStored.complete(answerId);
            }
        });
    }

    /** Once, with the lock held: tells the phone {@code accepted}. */
    private void sayAccepted() {
        if (!accepted) {
            accepted = true;
            session.send(new Frames.Accepted(id, conversation));
        }
    }

    /**
     * Called by the scheduler, possibly on a network thread: the work moves to the chat's executor, behind the starts
     * the scheduler made before ({@link TurnSlots#starts}), so that the requests reach the model server in line order.
     */
    @Override
    public void start() {
        slots.starts().execute(this::begin);
    }

    private void begin() {
        try {
            ContextBudget budget = slots.budget();
            int first = budget.firstToKeep(turnMessages.stream().map(ChatMessage::content).toList(),
                    persona.systemPrompt());
            List<ChatMessage> messages = new ArrayList<>();
            messages.add(ChatMessage.system(persona.systemPrompt()));
            messages.addAll(turnMessages.subList(first, turnMessages.size()));
            synchronized (this) {
                if (ended) {
                    return;
                }
                started = System.nanoTime();
                lastFlush = started;
                lastSave = started;
                // accepted goes out before the request: the connector's HTTP client runs its callbacks inline
                // (LlamaServerClient), so the first tokens, even the end, may come on this thread inside stream(),
                // and this lock is reentrant.
                sayAccepted();
                stream = ports.model().stream(ChatRequest.of(messages).withMaxTokens(budget.answerTokens()),
                        new ToolContext(persona.id(), session.deviceId(), conversation), this,
                        new ToolCardSender(session::send, id));
                // The request is on its way: the question is stored while the model server reads the prompt (the
                // database's work no longer delays the request on a busy machine).
                accept();
            }
        } catch (LlamaException e) {
            onError(e);
        } catch (RuntimeException e) {
            LOG.warning(() -> "Turn " + LogText.untrusted(id) + " could not start: " + e);
            onError(new LlamaException("The answer could not start: " + e.getMessage(), e));
        }
    }

    @Override
    public synchronized void onToken(String text) {
        if (ended) {
            return;
        }
        long now = System.nanoTime();
        boolean first = firstToken == 0;
        if (first) {
            firstToken = now;
        }
        tokens++;
        answer.append(text);
        pending.append(text);
        if (first || now - lastFlush >= FLUSH_NANOS || now - lastToken >= SLOW_TOKEN_NANOS) {
            flush(now);
        }
        lastToken = now;
        if (!savePending && (first || now - lastSave >= SAVE_NANOS)) {
            savePending = true;
            lastSave = now;
            String soFar = answer.toString();
            write(answerId -> {
                try {
                    ports.conversations().saveAnswer(answerId, soFar);
                } catch (RuntimeException e) {
                    LOG.warning(() -> "Could not save the answer of turn " + LogText.untrusted(id) + " so far: " + e);
                } finally {
                    synchronized (this) {
                        savePending = false;
                    }
                }
            });
        }
    }

    /** Runs {@code write} with the answer's id after the turn's earlier writes (not at all if the turn's failed). */
    private synchronized CompletableFuture<UUID> write(Consumer<UUID> write) {
        writes = writes.thenApplyAsync(answerId -> {
            write.accept(answerId);
            return answerId;
        }, ports.executor());
        return writes;
    }

    private void flush(long now) {
        if (pending.length() > 0) {
            session.send(new Frames.Token(id, pending.toString()));
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
        Frames.Usage usage = completion.usage() == null ? null
                : new Frames.Usage(completion.usage().promptTokens(), completion.usage().completionTokens());
        slots.finished(device);
        storeThen(text, new Frames.Done(id, false, usage, timings(completion)));
    }

    @Override
    public void onError(LlamaException error) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            accept();
            flush(System.nanoTime());
        }
        LOG.info(() -> "Turn " + LogText.untrusted(id) + " failed: " + error.getMessage());
        // llama-server's words for a prompt longer than the slot (its error type exceed_context_size_error).
        Frames.Failure failure;
        if (String.valueOf(error.getMessage()).contains("exceeds the available context size")) {
            failure = new Frames.Failure(id, "too-long", "This message and the conversation before it do not "
                    + "fit the model's context (" + slots.budget().slotTokens() + " tokens per slot): send a "
                    + "shorter message or start a new conversation.");
        } else {
            failure = new Frames.Failure(id, "model-unavailable", "The model could not answer: " + error.getMessage());
        }
        end();
        session.send(failure);
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
            accept();
            flush(System.nanoTime());
            text = answer.toString();
        }
        if (!tellPhone) {
            end();
            return;
        }
        slots.finished(device);
        storeThen(text, new Frames.Done(id, true, null, timings(null)));
    }

    private Frames.Timings timings(ChatCompletion completion) {
        return new Frames.Timings(firstToken == 0 ? null : (firstToken - started) / 1_000_000,
                completion == null || completion.timings() == null ? null
                        : Math.round(completion.timings().predictedPerSecond() * 10) / 10.0);
    }

    /**
     * Stores the answer (if any) off the network thread, frees the turn, then tells the phone: once the phone hears
     * {@code done}, its next turn is welcome. The slot was given back before (the model is done with it): the next
     * phone in line starts while this answer is stored.
     */
    private void storeThen(String text, Frames.Done doneMessage) {
        CompletableFuture<UUID> stored;
        synchronized (this) {
            stored = writes;
        }
        stored.whenCompleteAsync((answerId, notStored) -> {
            Frames.ToPhone outcome = doneMessage;
            try {
                if (notStored != null) {
                    throw new IllegalStateException("the question was not stored: " + notStored, notStored);
                }
                ports.conversations().finishAnswer(answerId, text);
            } catch (RuntimeException e) {
                LOG.warning(() -> "Could not store the answer of turn " + LogText.untrusted(id) + ": " + e);
                outcome = new Frames.Failure(id, ProtocolException.STORAGE_FAILED,
                        ProtocolException.storageFailedMessage());
            } finally {
                session.turnEnded(this);
            }
            session.send(outcome);
        }, ports.executor());
    }

    /** Frees the turn and its slot at once; the answer, failed or heard by nobody, is not kept. */
    private void end() {
        session.turnEnded(this);
        slots.finished(device);
        write(answerId -> ports.conversations().discardAnswer(answerId)).exceptionally(e -> {
            LOG.warning(() -> "Could not remove the answer of turn " + LogText.untrusted(id) + ": " + e);
            return null;
        });
    }
}

package dev.persona.host.chat;

import dev.persona.host.tools.ToolContext;
import dev.persona.host.tools.ToolLoop;
import dev.persona.llama.ChatListener;
import dev.persona.llama.ChatRequest;
import dev.persona.llama.ChatStream;
import dev.persona.llama.LlamaException;

/**
 * The model server as the chat uses it: how many answers it generates at once and how much context each gets (what
 * the connector's pool runs with now, so a pool the console restarted with other sizes counts at once), the
 * model's name, and streaming one answer with the persona's tools.
 */
interface ModelGateway {

    /** Answers the model server generates at once: the chat's slots. At least 1. */
    int slots();

    /**
     * The context of one slot in tokens.
     *
     * @throws IllegalStateException when it cannot be known now (what to set is in the message)
     */
    int slotTokens();

    /** The model's name for the phone ({@code admitted}), e.g. the GGUF file's name without its extension. */
    String modelName();

    /**
     * Starts streaming the answer to {@code request}; tool calls are run for {@code context} and shown to
     * {@code observer}. Returns at once.
     *
     * @throws LlamaException when no backend is ready
     */
    ChatStream stream(ChatRequest request, ToolContext context, ChatListener listener, ToolLoop.Observer observer)
            throws LlamaException;
}

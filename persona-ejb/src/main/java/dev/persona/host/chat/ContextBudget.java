package dev.persona.host.chat;

import java.util.List;

/**
 * How much of a model server slot's context a turn may use (docs/protocol.md, section 5). A slot holds
 * {@code slotTokens} tokens: the answer keeps {@link #answerTokens()} of them, the prompt (system prompt, earlier
 * messages, the new text) gets the rest. The host cannot count tokens without the model's tokenizer, so it
 * estimates {@value #CHARACTERS_PER_TOKEN} characters per token (English prose runs at about four, code and most
 * other languages at two to four); when the model server still finds a prompt too long, the turn fails with
 * {@code too-long}.
 *
 * @param slotTokens the context of one slot: {@code -c} divided by {@code -np}
 * @param maxTokens  the longest answer the settings ask for
 */
record ContextBudget(int slotTokens, int maxTokens) {

    static final int CHARACTERS_PER_TOKEN = 3;
    /** What a chat template adds around each message (role markers, separators), generously. */
    static final int TOKENS_PER_MESSAGE = 8;
    /** The smallest slot a chat can work with. */
    static final int MIN_SLOT_TOKENS = 64;

    ContextBudget {
        if (slotTokens < MIN_SLOT_TOKENS || maxTokens < 1) {
            throw new IllegalArgumentException("A slot needs at least " + MIN_SLOT_TOKENS + " tokens of context and "
                    + "an answer at least 1 token, not " + slotTokens + " and " + maxTokens
                    + ": raise persona.llama.context.size or lower persona.llama.parallel.slots.");
        }
    }

    /** The answer's share: the configured longest answer, but never more than half the slot. */
    int answerTokens() {
        return Math.min(maxTokens, slotTokens / 2);
    }

    /** Tokens left for the prompt. */
    int promptTokens() {
        return slotTokens - answerTokens();
    }

    /** The longest text a person may send in one turn, with this system prompt. */
    int maxTextCharacters(String systemPrompt) {
        int left = promptTokens() - estimateTokens(systemPrompt) - 2 * TOKENS_PER_MESSAGE;
        return Math.max(0, left) * CHARACTERS_PER_TOKEN;
    }

    /**
     * Which of a conversation's latest messages (oldest first, the new turn last) go into the request: the index of
     * the first one kept. The oldest are dropped until the rest fit beside the system prompt; the new turn always
     * stays.
     */
    int firstToKeep(List<String> messages, String systemPrompt) {
        int left = promptTokens() - estimateTokens(systemPrompt) - TOKENS_PER_MESSAGE;
        int first = messages.size();
        while (first > 0) {
            int cost = estimateTokens(messages.get(first - 1)) + TOKENS_PER_MESSAGE;
            if (cost > left && first < messages.size()) {
                break;
            }
            left -= cost;
            first--;
        }
        return first;
    }

    private static int estimateTokens(String text) {
        return (text.length() + CHARACTERS_PER_TOKEN - 1) / CHARACTERS_PER_TOKEN;
    }
}

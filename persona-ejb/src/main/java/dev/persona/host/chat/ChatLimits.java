package dev.persona.host.chat;

/**
 * The chat's own settings (README, "Settings"); the slots and their context come from the model server instead.
 *
 * @param queueLimit        turns that may wait for a slot; beyond it a phone hears {@code busy}
 * @param historyCharacters how much of a conversation goes into a request at most
 * @param maxTokens         the longest answer
 */
record ChatLimits(int queueLimit, int historyCharacters, int maxTokens) {

    ChatLimits {
        if (queueLimit < 0 || historyCharacters < 0 || maxTokens < 1) {
            throw new IllegalArgumentException("persona.chat.queue.limit and persona.chat.history.characters must "
                    + "be at least 0 and persona.chat.max.tokens at least 1, not " + queueLimit + ", "
                    + historyCharacters + " and " + maxTokens);
        }
    }
}

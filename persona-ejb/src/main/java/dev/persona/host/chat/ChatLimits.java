package dev.persona.host.chat;

import dev.persona.settings.Setting;
import dev.persona.settings.SettingSource;

/**
 * The chat's own settings (README, "Settings"); the slots and their context come from the model server instead.
 *
 * @param queueLimit        turns that may wait for a slot; beyond it a phone hears {@code busy}
 * @param historyCharacters how much of a conversation goes into a request at most
 * @param maxTokens         the longest answer
 */
record ChatLimits(int queueLimit, int historyCharacters, int maxTokens) {

    static final Setting<Integer> QUEUE_LIMIT = Setting.integer("persona.chat.queue.limit", 32, 0, 100_000);
    static final Setting<Integer> HISTORY_CHARACTERS =
            Setting.integer("persona.chat.history.characters", 3000, 0, 100_000_000);
    static final Setting<Integer> MAX_TOKENS = Setting.integer("persona.chat.max.tokens", 512, 1, 1_000_000);

    ChatLimits {
        QUEUE_LIMIT.require(queueLimit);
        HISTORY_CHARACTERS.require(historyCharacters);
        MAX_TOKENS.require(maxTokens);
    }

    /** The settings from {@code source}, each at its default when it is not given. */
    static ChatLimits from(SettingSource source) {
        return new ChatLimits(QUEUE_LIMIT.from(source), HISTORY_CHARACTERS.from(source), MAX_TOKENS.from(source));
    }
}

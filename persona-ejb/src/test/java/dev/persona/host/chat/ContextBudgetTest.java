package dev.persona.host.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class ContextBudgetTest {

    private static final String PROMPT = "p".repeat(90);   // 30 tokens by the estimate

    @Test
    void theDefaultSlotOf1024TokensLeavesHalfToTheAnswerAndLimitsTheTextToWhatFitsTheRest() {
        ContextBudget budget = new ContextBudget(4096 / 4, 512);
        assertEquals(1024, budget.slotTokens());
        assertEquals(512, budget.answerTokens());
        assertEquals(512, budget.promptTokens());
        // 512 - 30 (system prompt) - 16 (two messages' template) = 466 tokens = 1398 characters.
        assertEquals(1398, budget.maxTextCharacters(PROMPT));
        assertTrue(budget.maxTextCharacters(PROMPT) < 16_000);
    }

    @Test
    void theAnswerNeverTakesMoreThanHalfTheSlot() {
        ContextBudget budget = new ContextBudget(16384 / 4, 3000);
        assertEquals(2048, budget.answerTokens());
        assertEquals(2048, budget.promptTokens());
        ContextBudget small = new ContextBudget(16384 / 4, 100);
        assertEquals(100, small.answerTokens());
    }

    @Test
    void theOldestMessagesAreDroppedUntilTheRestFitsAndTheNewTurnAlwaysStays() {
        ContextBudget budget = new ContextBudget(200, 100);   // 100 prompt tokens
        // System prompt 30 + 8 = 38 tokens; each message of 30 characters costs 10 + 8 = 18.
        List<String> messages = List.of("a".repeat(30), "b".repeat(30), "c".repeat(30), "d".repeat(30));
        assertEquals(1, budget.firstToKeep(messages, PROMPT), "62 tokens left: three messages of 18 fit");
        assertEquals(0, budget.firstToKeep(messages.subList(0, 2), PROMPT));
        List<String> huge = List.of("old", "x".repeat(3000));
        assertEquals(1, budget.firstToKeep(huge, PROMPT), "the new turn stays even when it alone is too long");
    }

    @Test
    void aSlotTooSmallToChatIsRefusedWithTheSettingsToChange() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new ContextBudget(128 / 4, 512));
        assertTrue(error.getMessage().contains("persona.llama.context.size"), error.getMessage());
    }
}

package dev.persona.llama.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import dev.persona.settings.InvalidSettingException;
import org.junit.jupiter.api.Test;

class ExtraArgumentsTest {

    @Test
    void splitsLikeAShell() {
        assertEquals(List.of("--alias", "my model", "--chat-template-file", "/a b/t.jinja", "it's", "x\"y"),
                ExtraArguments.parse("  --alias \"my model\"\t--chat-template-file '/a b/t.jinja' it\\'s x\\\"y "));
    }

    @Test
    void emptyQuotesAreAnEmptyWord() {
        assertEquals(List.of("--alias", ""), ExtraArguments.parse("--alias ''"));
    }

    @Test
    void blankIsNothing() {
        assertEquals(List.of(), ExtraArguments.parse("  "));
    }

    @Test
    void unclosedQuoteIsRefused() {
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> ExtraArguments.parse("--alias 'x"));
        assertEquals("PERSONA_LLAMA_EXTRA_ARGUMENTS = '--alias 'x': expected shell words; this has an unclosed '"
                + " quote.", e.getMessage());
    }
}

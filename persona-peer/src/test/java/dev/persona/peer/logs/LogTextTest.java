package dev.persona.peer.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogTextTest {

    @Test
    void lineBreaksAndControlCharactersBecomeEscapes() {
        assertEquals("data\\n2026-12-06 SEVERE [x] reset", LogText.untrusted("data\n2026-12-06 SEVERE [x] reset"));
        assertEquals("a\\r\\tb\\u001b[31m", LogText.untrusted("a\r\tb\u001b[31m"));
        assertEquals("x\\u2028y\\u2029z\\u0085", LogText.untrusted("x\u2028y\u2029z\u0085"));
        assertEquals("right\\u202eleft\\u200b", LogText.untrusted("right\u202eleft\u200b"), "invisible formatting");
    }

    @Test
    void backslashesAreDoubledSoThatAnEscapeCannotBeForged() {
        assertEquals("a\\\\nb", LogText.untrusted("a\\nb"));
    }

    @Test
    void ordinaryTextStaysAsItIs() {
        assertEquals("Pixel 8 de Zoë 📱 'raw' {\"x\":1}", LogText.untrusted("Pixel 8 de Zoë 📱 'raw' {\"x\":1}"));
        assertEquals("null", LogText.untrusted(null));
    }

    @Test
    void longTextIsCutAndSaysHowMuchWasLeftOut() {
        String cut = LogText.untrusted("y".repeat(10_000));
        assertEquals("y".repeat(LogText.MAX_CHARACTERS) + "…(" + (10_000 - LogText.MAX_CHARACTERS)
                + " more characters)", cut);
    }

    @Test
    void aCutNeverSplitsASurrogatePair() {
        String text = "y".repeat(LogText.MAX_CHARACTERS - 1) + "📱📱";
        String cut = LogText.untrusted(text);
        assertTrue(cut.startsWith("y".repeat(LogText.MAX_CHARACTERS - 1) + "…("), cut);
        assertTrue(cut.endsWith("(4 more characters)"), cut);
    }
}

package dev.persona.peer.logs;

/**
 * Text from outside (a phone's offer, a handshake field, a turn id) made fit for one log line: control characters,
 * line and paragraph separators and invisible formatting characters are written as escapes ({@code \n},
 * {@code \u2028}, …), backslashes doubled, and the text cut after {@value #MAX_CHARACTERS} characters, so that it can
 * neither start a line of its own nor make a line unreadable.
 */
public final class LogText {

    /** How much of a text from outside goes into a log line. */
    public static final int MAX_CHARACTERS = 200;

    private LogText() {
    }

    /** The text escaped and cut for a log line; {@code null} for a null text. */
    public static String untrusted(CharSequence text) {
        if (text == null) {
            return "null";
        }
        int kept = Math.min(text.length(), MAX_CHARACTERS);
        if (kept < text.length() && Character.isHighSurrogate(text.charAt(kept - 1))) {
            kept--;
        }
        StringBuilder escaped = new StringBuilder(kept + 16);
        for (int i = 0; i < kept; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> escaped.append("\\\\");
                case '\n' -> escaped.append("\\n");
                case '\r' -> escaped.append("\\r");
                case '\t' -> escaped.append("\\t");
                default -> {
                    if (unsafe(c)) {
                        escaped.append(String.format("\\u%04x", (int) c));
                    } else {
                        escaped.append(c);
                    }
                }
            }
        }
        if (text.length() > kept) {
            escaped.append("…(").append(text.length() - kept).append(" more characters)");
        }
        return escaped.toString();
    }

    private static boolean unsafe(char c) {
        int type = Character.getType(c);
        return Character.isISOControl(c) || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.FORMAT;
    }
}

package dev.persona.llama.process;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code extraArguments} setting: further llama-server flags, split like a shell splits words (whitespace
 * separates, single or double quotes group, backslash escapes the next character). Flags the connector sets
 * itself are refused, since changing them would break the pool (another host or port, a known API key) or
 * bypass a setting.
 */
final class ExtraArguments {

    private static final String SETTING = "extraArguments";

    /** Flags the connector owns, and the setting (if any) to use instead. */
    private static final Map<String, String> OWNED = Map.ofEntries(
            Map.entry("--host", "none: the servers listen on 127.0.0.1 only"),
            Map.entry("--port", "portRange"),
            Map.entry("--api-key", "none: each server gets a random key"),
            Map.entry("--api-key-file", "none: each server gets a random key"),
            Map.entry("-m", "modelFile"), Map.entry("--model", "modelFile"),
            Map.entry("-np", "parallelSlots"), Map.entry("--parallel", "parallelSlots"),
            Map.entry("-c", "contextSize"), Map.entry("--ctx-size", "contextSize"),
            Map.entry("-ngl", "gpuLayers"), Map.entry("--gpu-layers", "gpuLayers"),
            Map.entry("--n-gpu-layers", "gpuLayers"),
            Map.entry("-t", "threads"), Map.entry("--threads", "threads"),
            Map.entry("--no-jinja", "none: the connector relies on the model's chat template"),
            Map.entry("--no-slots", "none: the connector reads /slots"));

    private ExtraArguments() {
    }

    /** Splits and checks the setting's value. */
    static List<String> parse(String text) {
        List<String> words = split(text);
        for (String word : words) {
            String flag = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
            String instead = OWNED.get(flag);
            if (instead != null) {
                throw new InvalidSettingException(SETTING, flag + " is set by the connector; "
                        + (instead.startsWith("none") ? instead.substring("none: ".length())
                        : "use the setting " + instead + " instead"));
            }
        }
        return words;
    }

    private static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && quote != '\'') {
                if (++i == text.length()) {
                    throw new InvalidSettingException(SETTING, "ends with a lone backslash: " + text);
                }
                word.append(text.charAt(i));
                inWord = true;
            } else if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new InvalidSettingException(SETTING, "has an unclosed " + quote + " quote: " + text);
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}

package dev.persona.llama.process;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.persona.settings.Setting;

/**
 * The {@code persona.llama.extra.arguments} setting: further llama-server flags, split like a shell splits words
 * (whitespace separates, single or double quotes group, backslash escapes the next character). Flags the connector
 * sets itself are refused, since changing them would break the pool (another host or port, a known API key) or
 * bypass a setting.
 */
final class ExtraArguments {

    private static final Setting<String> SETTING = LlamaServerSettings.EXTRA_ARGUMENTS;

    /** Flags the connector owns, and why (or which setting to use instead). */
    private static final Map<String, String> OWNED = Map.ofEntries(
            Map.entry("--host", "the servers listen on 127.0.0.1 only"),
            Map.entry("--port", instead(LlamaServerSettings.PORT_RANGE)),
            Map.entry("--api-key", "each server gets a random key"),
            Map.entry("--api-key-file", "each server gets a random key"),
            Map.entry("-m", instead(LlamaServerSettings.MODEL_FILE)),
            Map.entry("--model", instead(LlamaServerSettings.MODEL_FILE)),
            Map.entry("-np", instead(LlamaServerSettings.PARALLEL_SLOTS)),
            Map.entry("--parallel", instead(LlamaServerSettings.PARALLEL_SLOTS)),
            Map.entry("-c", instead(LlamaServerSettings.CONTEXT_SIZE)),
            Map.entry("--ctx-size", instead(LlamaServerSettings.CONTEXT_SIZE)),
            Map.entry("-ngl", instead(LlamaServerSettings.GPU_LAYERS)),
            Map.entry("--gpu-layers", instead(LlamaServerSettings.GPU_LAYERS)),
            Map.entry("--n-gpu-layers", instead(LlamaServerSettings.GPU_LAYERS)),
            Map.entry("-t", instead(LlamaServerSettings.THREADS)),
            Map.entry("--threads", instead(LlamaServerSettings.THREADS)),
            Map.entry("--no-jinja", "the connector relies on the model's chat template"),
            Map.entry("--no-slots", "the connector reads /slots"));

    private ExtraArguments() {
    }

    private static String instead(Setting<?> setting) {
        return "use " + setting.environmentName() + " instead";
    }

    /** Splits and checks the setting's value. */
    static List<String> parse(String text) {
        List<String> words = split(text);
        for (String word : words) {
            String flag = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
            String instead = OWNED.get(flag);
            if (instead != null) {
                throw SETTING.invalid(text, "flags other than " + flag + ", which the connector sets: " + instead);
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
                    throw SETTING.invalid(text, "shell words; this ends with a lone backslash");
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
            throw SETTING.invalid(text, "shell words; this has an unclosed " + quote + " quote");
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}

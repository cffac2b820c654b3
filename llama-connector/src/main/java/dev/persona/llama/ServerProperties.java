package dev.persona.llama;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * What a llama-server says about itself on {@code /props}.
 *
 * @param backend      the backend
 * @param totalSlots   its parallel slots
 * @param modelPath    the model it serves
 * @param chatTemplate the Jinja chat template it applies
 * @param raw          the whole answer, for everything else (default generation settings, build info, …)
 */
public record ServerProperties(String backend, int totalSlots, String modelPath, String chatTemplate,
                               JsonObject raw) {

    /**
     * Whether the chat template takes tools ({@code chat_template_caps.supports_tools}); without it llama-server
     * ignores the tools of a request. llama-server writes the capabilities as a Python-style string
     * ({@code "{'supports_tools': True, …}"}) rather than a JSON object, so both forms are read.
     */
    public boolean chatTemplateSupportsTools() {
        JsonValue caps = raw == null ? null : raw.get("chat_template_caps");
        if (caps instanceof JsonObject object) {
            return object.get("supports_tools") == JsonValue.TRUE;
        }
        return caps instanceof JsonString text && text.getString().replace(" ", "").contains("'supports_tools':True");
    }
}

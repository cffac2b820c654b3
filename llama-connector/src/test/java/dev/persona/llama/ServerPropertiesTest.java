package dev.persona.llama;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;

class ServerPropertiesTest {

    private static ServerProperties props(JsonObject raw) {
        return new ServerProperties("b", 1, "m", "t", raw);
    }

    @Test
    void readsToolSupportFromLlamaServersPythonStyleCapabilities() {
        assertTrue(props(Json.createObjectBuilder().add("chat_template_caps",
                "{'supports_object_arguments': True, 'supports_tool_calls': True, 'supports_tools': True}").build())
                .chatTemplateSupportsTools());
        assertFalse(props(Json.createObjectBuilder().add("chat_template_caps",
                "{'supports_tool_calls': False, 'supports_tools': False}").build()).chatTemplateSupportsTools());
        assertTrue(props(Json.createObjectBuilder().add("chat_template_caps",
                Json.createObjectBuilder().add("supports_tools", true)).build()).chatTemplateSupportsTools());
        assertFalse(props(Json.createObjectBuilder().build()).chatTemplateSupportsTools());
    }
}

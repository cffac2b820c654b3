package dev.persona.plugins;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The plugins that ship with Persona ({@code plugins/rust/<name>/<name>.wasm} with its {@code tools.json}, packaged
 * under {@code dev/persona/plugins/bundled}), loaded and compiled once, and their tools by name.
 */
public final class PluginCatalog {

    /** The bundled plugins, in the order their tools are offered to the model. */
    public static final List<String> BUNDLED = List.of("calculator", "files", "system-info", "scheduler");

    private final Map<String, Plugin> plugins = new LinkedHashMap<>();
    private final Map<String, ToolDeclaration> tools = new LinkedHashMap<>();

    private PluginCatalog(List<Plugin> loaded) {
        for (Plugin plugin : loaded) {
            plugins.put(plugin.name(), plugin);
            for (ToolDeclaration tool : plugin.tools()) {
                if (tools.putIfAbsent(tool.name(), tool) != null) {
                    throw new IllegalArgumentException("tool " + tool.name() + " is declared twice");
                }
            }
        }
    }

    /** Loads and compiles the bundled plugins (about a second each on a slow machine). */
    public static PluginCatalog bundled() {
        List<Plugin> loaded = new ArrayList<>();
        for (String name : BUNDLED) {
            String base = "bundled/" + name + "/";
            loaded.add(load(name, resource(base + name + ".wasm"), resource(base + "tools.json")));
        }
        return new PluginCatalog(loaded);
    }

    /** Loads a plugin from its module and its {@code tools.json}. */
    public static Plugin load(String name, byte[] wasm, byte[] toolsJson) {
        return Plugin.load(name, wasm, declarations(name, toolsJson));
    }

    private static List<ToolDeclaration> declarations(String plugin, byte[] toolsJson) {
        try (JsonReader reader = Json.createReader(new ByteArrayInputStream(toolsJson))) {
            JsonObject root = reader.readObject();
            List<ToolDeclaration> declared = new ArrayList<>();
            for (JsonValue value : root.getJsonArray("tools")) {
                JsonObject tool = value.asJsonObject();
                declared.add(new ToolDeclaration(tool.getString("name"), plugin, tool.getString("function"),
                        tool.getString("description"), tool.getJsonObject("parameters")));
            }
            return declared;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("tools.json of plugin " + plugin + " is not valid: " + e.getMessage(), e);
        }
    }

    private static byte[] resource(String path) {
        try (InputStream in = PluginCatalog.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("bundled plugin file " + path + " is missing from the plugins jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Optional<Plugin> plugin(String name) {
        return Optional.ofNullable(plugins.get(name));
    }

    public Optional<ToolDeclaration> tool(String name) {
        return Optional.ofNullable(tools.get(name));
    }

    /** Every tool of every plugin, in catalog order. */
    public List<ToolDeclaration> tools() {
        return List.copyOf(tools.values());
    }

    /** The call of a tool with the model's JSON arguments. */
    public PluginCall call(String toolName, String jsonArguments, Path folder, Map<String, String> environment)
            throws InvalidToolCallException {
        ToolDeclaration tool = tool(toolName).orElseThrow(() -> new InvalidToolCallException("there is no tool '" + toolName + "'"));
        return new PluginCall(plugins.get(tool.plugin()), tool.function(), ToolArguments.parse(tool, jsonArguments), folder,
                environment);
    }
}

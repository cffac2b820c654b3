package dev.persona.plugins;

import java.nio.file.Path;
import java.util.Map;

/**
 * One call of a plugin function.
 *
 * @param plugin      the plugin
 * @param function    its function, e.g. {@code evaluate}
 * @param arguments   named arguments as text (the module gets them as {@code name=value} arguments)
 * @param folder      the persona's folder, preopened as {@code /}; null: the module sees no files at all
 * @param environment variables the module may read (e.g. the facts the owner shares with {@code system-info})
 */
public record PluginCall(Plugin plugin, String function, Map<String, String> arguments, Path folder,
                         Map<String, String> environment) {

    public PluginCall {
        arguments = Map.copyOf(arguments);
        environment = Map.copyOf(environment);
    }
}

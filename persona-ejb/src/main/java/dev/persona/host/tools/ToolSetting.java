package dev.persona.host.tools;

import java.util.List;

/**
 * One plugin as the console shows it for a persona.
 *
 * @param plugin      the plugin, e.g. {@code files}
 * @param tools       the names of its tools, e.g. {@code read_file}
 * @param description what its first tool does
 * @param enabled     whether this persona's model may call them
 */
public record ToolSetting(String plugin, List<String> tools, String description, boolean enabled) {
}

package dev.persona.plugins;

import jakarta.json.JsonObject;

/**
 * One tool as the model sees it: a function of a plugin under a name of its own, with a description and the JSON
 * schema of its parameters (OpenAI's {@code tools} format).
 *
 * @param name        the tool's name for the model, e.g. {@code calculate}
 * @param plugin      the plugin that implements it
 * @param function    the plugin's function
 * @param description what the tool does, for the model
 * @param parameters  JSON schema of the arguments object
 */
public record ToolDeclaration(String name, String plugin, String function, String description, JsonObject parameters) {
}

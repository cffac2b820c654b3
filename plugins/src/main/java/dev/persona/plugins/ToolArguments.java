package dev.persona.plugins;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns the model's JSON arguments into a plugin's text arguments, checked against the tool's declaration: an
 * object whose names are declared properties, every required one present, values strings, numbers or booleans.
 */
final class ToolArguments {

    /** The most text all arguments of one call may hold together. */
    static final int MAX_CHARACTERS = 256 * 1024;

    private ToolArguments() {
    }

    static Map<String, String> parse(ToolDeclaration tool, String json) throws InvalidToolCallException {
        String text = json == null || json.isBlank() ? "{}" : json;
        if (text.length() > MAX_CHARACTERS) {
            throw new InvalidToolCallException("the arguments of " + tool.name() + " are longer than " + MAX_CHARACTERS + " characters");
        }
        JsonValue value;
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            value = reader.readValue();
        } catch (JsonParsingException e) {
            throw new InvalidToolCallException("the arguments of " + tool.name() + " are not JSON: " + e.getMessage());
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new InvalidToolCallException("the arguments of " + tool.name() + " must be a JSON object");
        }
        JsonObject properties = tool.parameters().getJsonObject("properties");
        Map<String, String> arguments = new LinkedHashMap<>();
        for (Map.Entry<String, JsonValue> entry : value.asJsonObject().entrySet()) {
            String name = entry.getKey();
            if (properties == null || !properties.containsKey(name)) {
                throw new InvalidToolCallException(tool.name() + " has no parameter '" + name + "'");
            }
            arguments.put(name, text(tool, name, entry.getValue()));
        }
        if (tool.parameters().containsKey("required")) {
            for (JsonValue required : tool.parameters().getJsonArray("required")) {
                String name = ((JsonString) required).getString();
                if (!arguments.containsKey(name)) {
                    throw new InvalidToolCallException(tool.name() + " needs the parameter '" + name + "'");
                }
            }
        }
        return arguments;
    }

    private static String text(ToolDeclaration tool, String name, JsonValue value) throws InvalidToolCallException {
        return switch (value.getValueType()) {
            case STRING -> ((JsonString) value).getString();
            case NUMBER -> ((JsonNumber) value).toString();
            case TRUE -> "true";
            case FALSE -> "false";
            default -> throw new InvalidToolCallException("parameter '" + name + "' of " + tool.name()
                    + " must be a string, number or boolean");
        };
    }
}

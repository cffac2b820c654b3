package dev.persona.llama;

import jakarta.json.JsonObject;

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
}

package dev.persona.llama;

/**
 * One slot of a llama-server, from its {@code /slots} endpoint.
 *
 * @param backend     the backend it belongs to
 * @param id          slot number on that server
 * @param contextSize the slot's share of the context in tokens
 * @param processing  whether it is working on a request now
 */
public record SlotStatus(String backend, int id, int contextSize, boolean processing) {
}

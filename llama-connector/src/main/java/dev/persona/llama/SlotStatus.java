package dev.persona.llama;

/**
 * One slot of a llama-server, from its {@code /slots} endpoint.
 *
 * @param backend     the backend it belongs to
 * @param id          slot number on that server
 * @param contextSize the slot's share of the context in tokens
 * @param processing  whether it is working on a request now
 * @param decodedTokens tokens generated so far for the slot's current request, as llama-server's
 *                    {@code next_token[0].n_decoded} says; 0 when the slot is idle or the server does not say
 */
public record SlotStatus(String backend, int id, int contextSize, boolean processing, int decodedTokens) {
}

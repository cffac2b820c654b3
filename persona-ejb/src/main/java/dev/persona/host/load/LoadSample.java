package dev.persona.host.load;

import java.time.Instant;

/**
 * The host's load at one moment.
 *
 * @param at              when it was taken
 * @param tokensPerSecond tokens generated per second since the previous sample, all processes together
 * @param queue           turns waiting for a slot (the chat's line plus requests llama-server deferred)
 * @param busySlots       slots working on an answer
 * @param slots           slots of the ready processes
 */
public record LoadSample(Instant at, double tokensPerSecond, int queue, int busySlots, int slots) {
}

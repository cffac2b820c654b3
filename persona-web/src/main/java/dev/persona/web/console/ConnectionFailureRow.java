package dev.persona.web.console;

import java.io.Serializable;
import java.time.Instant;

/**
 * A phone that could not connect, on the devices page.
 *
 * @param phone   the device's name when the phone is paired, else its shortened key id
 * @param problem what kind of failure, in words
 * @param detail  the host peer's message: what happened and what to check
 */
public record ConnectionFailureRow(Instant at, String phone, String problem, String detail) implements Serializable {
}

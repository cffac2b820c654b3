package dev.persona.server;

import java.util.Optional;
import java.util.function.Function;

/**
 * Reading the application's settings by name from a source (MicroProfile Config in the server, a map in tests) so
 * that a bad value fails at once with the setting's name, the value and what is accepted. Here, below every module
 * that reads settings in the server (this jar is in the EAR's {@code lib/}).
 */
public final class SettingValues {

    private SettingValues() {
    }

    /** The setting's text, stripped; empty when it is missing or blank. */
    public static Optional<String> text(Function<String, Optional<String>> source, String name) {
        return source.apply(name).map(String::strip).filter(value -> !value.isEmpty());
    }

    /**
     * The setting as a whole number from {@code min} to {@code max}, or {@code fallback} when it is not set.
     *
     * @throws IllegalArgumentException naming the setting, its value and what is accepted
     */
    public static long wholeNumber(Function<String, Optional<String>> source, String name, long fallback, long min,
                                   long max) {
        Optional<String> value = text(source, name);
        if (value.isEmpty()) {
            return fallback;
        }
        long number;
        try {
            number = Long.parseLong(value.get());
        } catch (NumberFormatException notANumber) {
            throw new IllegalArgumentException("Invalid value '" + value.get() + "' for " + name
                    + ": expected a whole number.", notANumber);
        }
        requireRange(name, number, min, max);
        return number;
    }

    /** @throws IllegalArgumentException naming the setting, its value and the range */
    public static void requireRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException("Invalid value " + value + " for " + name + ": expected " + min
                    + " to " + max + ".");
        }
    }
}

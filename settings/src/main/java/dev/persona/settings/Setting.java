package dev.persona.settings;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One setting, defined once: its name ({@code persona.https.port}; the environment variable is
 * {@link #environmentName()}), its default and what it accepts. {@link #from} reads it from a source and fails with
 * an {@link InvalidSettingException} naming the setting, the value and what is accepted.
 *
 * @param <T> the value's type
 */
public final class Setting<T> {

    private final String name;
    private final T defaultValue;
    private final String accepted;
    private final Function<String, T> parser;
    private final Predicate<T> valid;
    private final boolean exact;

    private Setting(String name, T defaultValue, String accepted, Function<String, T> parser, Predicate<T> valid) {
        this(name, defaultValue, accepted, parser, valid, false);
    }

    private Setting(String name, T defaultValue, String accepted, Function<String, T> parser, Predicate<T> valid,
                    boolean exact) {
        this.name = Objects.requireNonNull(name);
        this.exact = exact;
        this.accepted = accepted;
        this.parser = parser;
        this.valid = valid;
        if (defaultValue != null && !valid.test(defaultValue)) {
            throw new IllegalArgumentException("The default " + defaultValue + " of " + name + " is not "
                    + accepted);
        }
        this.defaultValue = defaultValue;
    }

    /** An integer from {@code min} to {@code max}. */
    public static Setting<Integer> integer(String name, int defaultValue, int min, int max) {
        return new Setting<>(name, defaultValue, "an integer from " + min + " to " + max, text -> {
            Long number = parseLong(text);
            return number == null || number != number.intValue() ? null : number.intValue();
        }, value -> value >= min && value <= max);
    }

    /** A (long) integer from {@code min} to {@code max}. */
    public static Setting<Long> wholeNumber(String name, long defaultValue, long min, long max) {
        return new Setting<>(name, defaultValue, "an integer from " + min + " to " + max, Setting::parseLong,
                value -> value >= min && value <= max);
    }

    /** {@code true} or {@code false}, in any case. */
    public static Setting<Boolean> flag(String name, boolean defaultValue) {
        return new Setting<>(name, defaultValue, "true or false", text -> switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> null;
        }, value -> true);
    }

    /** One of {@code choices} (in any case; the value is the choice as written here). */
    public static Setting<String> oneOf(String name, String defaultValue, List<String> choices) {
        List<String> copy = List.copyOf(choices);
        return new Setting<>(name, defaultValue, "one of " + String.join(", ", copy),
                text -> copy.stream().filter(choice -> choice.equalsIgnoreCase(text)).findFirst().orElse(null),
                copy::contains);
    }

    /**
     * Text that {@code parser} makes into a value, or returns {@code null} for when it cannot; {@code accepted} says
     * what it accepts. {@code defaultValue} may be {@code null}: the setting has no default.
     */
    public static <T> Setting<T> parsed(String name, T defaultValue, String accepted, Function<String, T> parser) {
        return new Setting<>(name, defaultValue, accepted, parser, value -> true);
    }

    /** Any text; {@code defaultValue} may be {@code null}: the setting has no default. */
    public static Setting<String> text(String name, String defaultValue) {
        return new Setting<>(name, defaultValue, "any text", Function.identity(), value -> true);
    }

    /**
     * A secret such as a password: taken exactly as given (spaces included; empty means not given), without a
     * default. Any text is accepted, so its value never appears in a message.
     */
    public static Setting<String> secret(String name) {
        return new Setting<>(name, null, "any text", Function.identity(), value -> true, true);
    }

    /** The name as a system property and in MicroProfile Config, e.g. {@code persona.https.port}. */
    public String name() {
        return name;
    }

    /** The environment variable, e.g. {@code PERSONA_HTTPS_PORT}. */
    public String environmentName() {
        return environmentName(name);
    }

    /** The value when the setting is not given; {@code null} for a setting without one. */
    public T defaultValue() {
        return defaultValue;
    }

    /** What the setting accepts, e.g. {@code an integer from 1 to 65535}. */
    public String accepted() {
        return accepted;
    }

    /**
     * The setting's value in {@code source}, or its default when it is not given (blank counts as not given).
     *
     * @throws InvalidSettingException naming the setting, its value and what is accepted
     */
    public T from(SettingSource source) {
        return given(source).orElse(defaultValue);
    }

    /**
     * The setting's value in {@code source}, which must give it (a setting that something else, such as the
     * bootstrap, always sets).
     *
     * @throws InvalidSettingException naming the setting, its value (empty) and what is accepted
     */
    public T required(SettingSource source) {
        return given(source).orElseThrow(() -> new InvalidSettingException(name, "", accepted));
    }

    /**
     * The setting's value when {@code source} gives it, else empty.
     *
     * @throws InvalidSettingException naming the setting, its value and what is accepted
     */
    public Optional<T> given(SettingSource source) {
        if (exact) {
            return source.raw(name).filter(value -> !value.isEmpty()).map(parser);
        }
        return source.text(name).map(this::parse);
    }

    /**
     * The value of {@code text}.
     *
     * @throws InvalidSettingException naming the setting, {@code text} and what is accepted
     */
    public T parse(String text) {
        T value = parser.apply(text.strip());
        if (value == null || !valid.test(value)) {
            throw new InvalidSettingException(name, text, accepted);
        }
        return value;
    }

    /**
     * Checks a value that arrived already typed (e.g. a resource adapter's property); {@code null} means the
     * default.
     *
     * @throws InvalidSettingException naming the setting, the value and what is accepted
     */
    public T require(T value) {
        if (value == null) {
            return defaultValue;
        }
        if (!valid.test(value)) {
            throw new InvalidSettingException(name, String.valueOf(value), accepted);
        }
        return value;
    }

    /** For a rule between settings: {@code value} of this setting is refused, {@code accepted} says why. */
    public InvalidSettingException invalid(Object value, String accepted) {
        return new InvalidSettingException(name, String.valueOf(value), accepted);
    }

    /** {@code persona.https.port} → {@code PERSONA_HTTPS_PORT}. */
    public static String environmentName(String name) {
        return name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    @Override
    public String toString() {
        return name;
    }

    private static Long parseLong(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException notANumber) {
            return null;
        }
    }
}

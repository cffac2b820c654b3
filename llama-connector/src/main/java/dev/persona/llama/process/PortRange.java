package dev.persona.llama.process;

/**
 * The ports the pool may give its processes, e.g. {@code 39100-39199} or a single {@code 39100}.
 *
 * @param first lowest port
 * @param last  highest port, inclusive
 */
public record PortRange(int first, int last) {

    public PortRange {
        if (first < 1024 || last > 65535 || first > last) {
            throw new IllegalArgumentException("need 1024 <= first <= last <= 65535, got " + first + "-" + last);
        }
    }

    /**
     * Parses {@code first-last} or a single port.
     *
     * @throws IllegalArgumentException if it is neither, or outside 1024-65535
     */
    public static PortRange parse(String text) {
        String[] parts = text.strip().split("\\s*-\\s*", -1);
        if (parts.length > 2) {
            throw new IllegalArgumentException("expected FIRST-LAST, e.g. 39100-39199, not '" + text + "'");
        }
        try {
            int first = Integer.parseInt(parts[0]);
            int last = parts.length == 2 ? Integer.parseInt(parts[1]) : first;
            return new PortRange(first, last);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected FIRST-LAST, e.g. 39100-39199, not '" + text + "'", e);
        }
    }

    /** Like {@link #parse}, but {@code null} for text that is not a port range. */
    static PortRange parseOrNull(String text) {
        try {
            return parse(text);
        } catch (IllegalArgumentException notARange) {
            return null;
        }
    }

    public int size() {
        return last - first + 1;
    }

    public boolean contains(int port) {
        return port >= first && port <= last;
    }

    @Override
    public String toString() {
        return first == last ? Integer.toString(first) : first + "-" + last;
    }
}

package dev.persona.web.headers;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A Content Security Policy as its directives, in order. {@link #DEFAULT} is the policy of every page of the host;
 * a page that names a policy of its own replaces the directives it names and keeps the others, so that a page can
 * add a script nonce (PrimeFaces) or forbid more (the trust page) but never drops {@code frame-ancestors} or
 * {@code base-uri} by forgetting them.
 */
public final class ContentSecurityPolicy {

    /**
     * Only this origin's scripts, styles, images, fonts and connections (signaling and the relay are {@code wss://}
     * to the same origin, which {@code 'self'} covers); inline styles because PrimeFaces and the phone page set
     * style attributes; no plugins, no {@code <base>}, forms post to this origin, and no page may frame these.
     */
    public static final ContentSecurityPolicy DEFAULT = parse("default-src 'self'; script-src 'self'; "
            + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
            + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");

    private final Map<String, String> directives;

    private ContentSecurityPolicy(Map<String, String> directives) {
        this.directives = directives;
    }

    /** Reads a policy header's value; empty directives are skipped, a repeated directive keeps its first value. */
    public static ContentSecurityPolicy parse(String header) {
        Map<String, String> directives = new LinkedHashMap<>();
        for (String directive : header.split(";")) {
            String[] words = directive.trim().split("\\s+", 2);
            if (!words[0].isEmpty()) {
                directives.putIfAbsent(words[0].toLowerCase(java.util.Locale.ROOT),
                        words.length == 2 ? words[1].trim().replaceAll("\\s+", " ") : "");
            }
        }
        return new ContentSecurityPolicy(directives);
    }

    /** This policy with the directives that {@code page} names taken from {@code page}. */
    public ContentSecurityPolicy with(ContentSecurityPolicy page) {
        Map<String, String> merged = new LinkedHashMap<>(directives);
        merged.putAll(page.directives);
        return new ContentSecurityPolicy(merged);
    }

    /** The header value. */
    @Override
    public String toString() {
        return directives.entrySet().stream()
                .map(directive -> directive.getValue().isEmpty() ? directive.getKey()
                        : directive.getKey() + " " + directive.getValue())
                .collect(Collectors.joining("; "));
    }
}

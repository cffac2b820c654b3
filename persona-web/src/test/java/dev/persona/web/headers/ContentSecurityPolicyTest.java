package dev.persona.web.headers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ContentSecurityPolicyTest {

    @Test
    void theHostPolicyAllowsOnlyThisOriginAndForbidsFramingPluginsAndBase() {
        assertEquals("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                + "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                + "frame-ancestors 'none'", ContentSecurityPolicy.DEFAULT.toString());
    }

    @Test
    void aPageReplacesOnlyTheDirectivesItNames() {
        // What PrimeFaces adds for each console response: its script-src with the response's nonce, ending in ';'.
        ContentSecurityPolicy console = ContentSecurityPolicy.DEFAULT
                .with(ContentSecurityPolicy.parse("script-src 'self' 'nonce-abc123';"));

        assertEquals("default-src 'self'; script-src 'self' 'nonce-abc123'; style-src 'self' 'unsafe-inline'; "
                + "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
                + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'", console.toString());
    }

    @Test
    void aStricterPageKeepsTheHostsFramingAndBaseRules() {
        ContentSecurityPolicy trust = ContentSecurityPolicy.DEFAULT
                .with(ContentSecurityPolicy.parse("default-src 'none'; style-src 'unsafe-inline'"));

        assertEquals("default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; "
                + "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                + "frame-ancestors 'none'", trust.toString());
    }

    @Test
    void parsingNormalisesSpacesCaseAndSkipsEmptyAndRepeatedDirectives() {
        assertEquals("script-src 'self' 'nonce-x'; upgrade-insecure-requests",
                ContentSecurityPolicy.parse(" ;SCRIPT-SRC   'self'\t'nonce-x' ;; script-src *; upgrade-insecure-requests;")
                        .toString());
    }
}

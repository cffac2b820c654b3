/**
 * The security headers of every response of the web module, in one place ({@link SecurityHeadersFilter}): HSTS on
 * HTTPS, no content sniffing, no framing, no referrer, and one Content Security Policy that a page may narrow or
 * extend only directive by directive ({@link ContentSecurityPolicy}); PrimeFaces adds its per-response script nonce
 * this way.
 */
package dev.persona.web.headers;

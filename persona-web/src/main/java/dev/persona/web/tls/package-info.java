/**
 * What a phone needs before it can trust the host's HTTPS: the CA certificate at {@code GET /ca.crt} and a short
 * page at {@code /trust} that says how to install it; both answer over plain HTTP. Every other plain-HTTP request
 * is redirected to HTTPS, to one of the host's own names (never one a {@code Host} header made up), unread.
 */
package dev.persona.web.tls;

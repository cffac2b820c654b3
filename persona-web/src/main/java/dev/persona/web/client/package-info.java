/**
 * The phone client page at {@code /client?id=<host key id>&invite=<code>}: the page, its bundled JavaScript, manifest
 * and icon, built from {@code src/main/frontend} under content-hashed names and precompressed
 * ({@code dev.persona.web.delivery}), served with a strict Content Security Policy.
 */
package dev.persona.web.client;

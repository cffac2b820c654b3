/**
 * The phone client page at {@code /client?id=<host key id>&invite=<code>}: the page, its bundled JavaScript, manifest
 * and icon, built from {@code src/main/frontend} under content-hashed names and precompressed
 * ({@code dev.persona.web.delivery}), served with a strict Content Security Policy; and {@code /ice/<host id>}, where
 * an approved phone that proves its key gets TURN servers with short-lived credentials of its own.
 */
package dev.persona.web.client;

/**
 * The phone client page at {@code /client?id=<host key id>&invite=<code>}: static HTML and the bundled JavaScript
 * of {@code src/main/frontend}, served with a strict Content Security Policy.
 */
package dev.persona.web.client;

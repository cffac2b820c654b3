/**
 * How the web module's static files travel: {@link dev.persona.web.delivery.PrecompressedFiles} answers a request for
 * a file that the build compressed (the phone page's, see {@code src/main/frontend/build.mjs}) with its brotli or gzip
 * form as the browser's {@code Accept-Encoding} allows ({@link dev.persona.web.delivery.ContentCoding}), and says how
 * long it may be cached: a content-hashed name for a year, immutable; any other name revalidated each time. Plain
 * Servlet API only, so that it works on any Jakarta EE server.
 */
package dev.persona.web.delivery;

/**
 * The web module: the console (Faces/PrimeFaces), the phone client page and the REST resources the console calls,
 * the bound on request bodies ({@link dev.persona.web.RequestBodyLimit}), and how static files travel (compressed and
 * cached: {@code dev.persona.web.delivery}), and the running database's backup for {@code ./persona backup}
({@code dev.persona.web.backup}), and the relay WebSocket that carries a phone's chat when no data channel opens
 * ({@code dev.persona.web.relay}). It holds no business rules; every
 * decision is a call into the services of {@code persona-ejb}. Every error, on both ports, gets
 * {@link dev.persona.web.ErrorPageServlet}'s page, which tells nothing of the server's internals.
 */
package dev.persona.web;

/**
 * The host's one signaling server (PeerJS-compatible, key-proven ids, from {@code persona-signaling}), configured
 * from MicroProfile Config and timed by the container's scheduler. The web module exposes it over WebSocket and
 * REST; the host peer registers the personas in it in-process.
 */
package dev.persona.host.signaling;

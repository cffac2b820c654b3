/**
 * Who is connected and how a message reaches them: the {@link dev.persona.signaling.registry.PeerRegistry}
 * interface, its in-memory implementation, the messages it relays and the sinks it delivers to. WebSocket peers and
 * in-process peers (the host's personas) register the same way and exchange the same messages; a distributed-cache
 * implementation can replace the in-memory one without touching the WebSocket endpoint.
 */
package dev.persona.signaling.registry;

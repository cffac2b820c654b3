/**
 * Persona's signaling server against the Node server {@code peer@1.0.2}: each runs in a process of its own on a
 * loopback port, and one load generator connects the same peers to each and relays the same messages through it,
 * measuring messages per second, relay latency and the server's resident memory.
 */
package dev.persona.bench.signaling;

/**
 * Persona's signaling against the Node server {@code peer@1.0.2}: one load generator ({@link
 * dev.persona.bench.signaling.PeerSwarm}, plain or TLS) connects the same peers to each and relays the same messages,
 * measuring messages per second, relay latency, connections per second, the server's CPU time and memory. The
 * headline ({@link dev.persona.bench.signaling.DeployedSignalingBenchmark}) drives the deployed host over wss; the
 * component figures ({@link dev.persona.bench.signaling.SignalingBenchmark}) run persona-signaling alone in an
 * embedded Undertow over ws://. How many peers each server holds at once, and what each costs its memory, is
 * {@link dev.persona.bench.signaling.HeldPeersBenchmark}'s.
 */
package dev.persona.bench.signaling;

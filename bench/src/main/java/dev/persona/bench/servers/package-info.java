/**
 * The same EAR on WildFly and on Payara side by side (issue 18, item 4):
 * {@link dev.persona.bench.servers.ServersBenchmark} starts the host on each in turn and measures boot + deploy,
 * idle memory, the chat relay and signaling with the other benchmarks' clients
 * ({@link dev.persona.bench.chat.ChatBenchmark}'s phone turn, {@link dev.persona.bench.chat.DirectLlama},
 * {@link dev.persona.bench.signaling.PeerSwarm}).
 */
package dev.persona.bench.servers;

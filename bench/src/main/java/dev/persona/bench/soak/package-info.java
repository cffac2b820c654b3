/**
 * The soak (issue 17): the deployed host under signaling peers and chatting phones for a bounded time, its memory,
 * descriptors, threads, errors, lost messages and p99 latencies over time. {@link dev.persona.bench.soak.Soak} runs
 * it; {@link dev.persona.bench.soak.SoakBenchmark} reports its figures, and CI runs a short version as a test.
 */
package dev.persona.bench.soak;

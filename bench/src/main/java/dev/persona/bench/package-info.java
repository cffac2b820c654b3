/**
 * Benchmarks: each measures one of Persona's parts and its baseline in the same run, on this machine, loopback
 * only, bounded in count and time, and writes {@code bench/results/<name>.json} with the ratio and its target.
 */
package dev.persona.bench;

/**
 * The tool plugins' call overhead: a calculator call and a 1 MiB file read through Chicory (compiled, fresh
 * sandboxed instance per call) against the same work in plain Java, measured in the same run.
 */
package dev.persona.bench.plugins;

/**
 * The boot benchmark: the host's boot + deploy time and its JVM's idle memory after one chat, against a vanilla
 * WildFly of the same version started in the same run ({@link dev.persona.bench.boot.BootBenchmark}).
 */
package dev.persona.bench.boot;
